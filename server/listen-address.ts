/**
 * `--listen HOST:PORT` parsing. Wildcard addresses (0.0.0.0, ::) are accepted
 * only when written out: the default is loopback, so `imafs serve DIR` never
 * exposes a share by accident.
 */
import net from 'node:net';
import { ImafsServerError } from './errors.js';

export const DEFAULT_LISTEN = '127.0.0.1:2049';

export function parseListen(text: string = DEFAULT_LISTEN): { host: string; port: number } {
  let host: string;
  let port: string;
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(text);
  if (v6) {
    [, host, port] = v6;
  } else {
    const i = text.lastIndexOf(':');
    if (i < 0) throw new ImafsServerError('IMAFS_SERVER_CONFIG', `--listen ${text}: expected HOST:PORT (e.g. 127.0.0.1:2049, [::1]:2049)`);
    host = text.slice(0, i);
    port = text.slice(i + 1);
    // '::1:2049' is ambiguous (it is also an IPv6 address): IPv6 needs brackets.
    if (host.includes(':')) throw new ImafsServerError('IMAFS_SERVER_CONFIG', `--listen ${text}: write IPv6 addresses in brackets, e.g. [::1]:2049`);
  }
  if (host === 'localhost') host = '127.0.0.1';
  if (net.isIP(host) === 0) throw new ImafsServerError('IMAFS_SERVER_CONFIG', `--listen ${text}: ${JSON.stringify(host)} is not an IP address`);
  const p = Number(port);
  if (!/^\d+$/.test(port) || p > 65535) throw new ImafsServerError('IMAFS_SERVER_CONFIG', `--listen ${text}: bad port ${JSON.stringify(port)}`);
  return { host, port: p };
}
