/** `imafs serve` library surface. */
export { startServer, ImafsServer, DEFAULTS, type ServeOptions } from './nfs-server.js';
export { ImafsServerError, NfsStatus, type ServerErrorCode } from './errors.js';
export { parseImaUpdates, type ImaUpdatePolicy } from './ima-update-policy.js';
export { parseListen, DEFAULT_LISTEN } from './listen-address.js';
export type { RefusalEvent } from './server-core.js';
