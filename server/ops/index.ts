/** Every operation imafs serve implements, by opnum. Others defined by the minor version answer NFS4ERR_NOTSUPP. */
import { handlerTable, type HandlerTable } from '../compound/op-handler.js';
import { attrHandlers } from './attr-ops.js';
import { clientHandlersV40 } from './client-ops-v40.js';
import { dirHandlers } from './dir-ops.js';
import { fhHandlers } from './fh-ops.js';
import { miscHandlers } from './misc-ops.js';
import { openHandlers } from './open-ops.js';
import { sessionHandlers } from './session-ops.js';

export function serverHandlers(): HandlerTable {
  return handlerTable([...fhHandlers, ...attrHandlers, ...dirHandlers, ...openHandlers, ...clientHandlersV40, ...sessionHandlers, ...miscHandlers]);
}
