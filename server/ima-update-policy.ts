/**
 * Who may replace or remove a file's IMA metadata with SETATTR FATTR4_IMA
 * (draft §4.3.2 leaves it to local policy). `--ima-updates` takes a comma
 * list of rules; an update is allowed when any rule allows it:
 *
 *   none                    nobody (the default): NFS4ERR_ACCESS
 *   root                    AUTH_SYS uid 0
 *   owner                   AUTH_SYS uid = file owner, or gid/gids contain the file's group
 *   clients=<a>[;<b>...]    peer address in one of these addresses or CIDRs
 *                           (';' or '+' separates several inside one rule)
 *
 * e.g. `root,clients=127.0.0.1` or `owner,clients=10.0.0.0/8;fd00::/8`.
 */
import net from 'node:net';
import { ImafsServerError } from './errors.js';

export interface UpdateCredentials {
  /** undefined for AUTH_NONE. */
  uid: number | undefined;
  gid: number | undefined;
  gids: readonly number[];
  addr: string;
}

export interface ImaUpdatePolicy {
  readonly text: string;
  /** undefined when allowed, else the reason for the refusal (for the log). */
  refuse(cred: UpdateCredentials, file: { uid: number; gid: number }): string | undefined;
}

function family(addr: string): 'ipv4' | 'ipv6' {
  return net.isIPv4(addr) ? 'ipv4' : 'ipv6';
}

/** '::ffff:1.2.3.4' (IPv4 peer on a dual-stack socket) compares as 1.2.3.4. */
export function plainAddr(addr: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(addr);
  return m ? m[1] : addr;
}

function parseClients(list: string, whole: string): net.BlockList {
  const bl = new net.BlockList();
  const items = list.split(/[;+\s]+/).filter(Boolean);
  if (items.length === 0) throw new ImafsServerError('IMAFS_SERVER_CONFIG', `--ima-updates ${whole}: clients= needs an address or CIDR`);
  for (const item of items) {
    const [a, bits] = item.split('/');
    if (net.isIP(a) === 0) throw new ImafsServerError('IMAFS_SERVER_CONFIG', `--ima-updates: ${JSON.stringify(item)} is not an IP address or CIDR`);
    if (bits === undefined) {
      bl.addAddress(a, family(a));
      continue;
    }
    const n = Number(bits);
    const max = family(a) === 'ipv4' ? 32 : 128;
    if (!/^\d+$/.test(bits) || n > max) throw new ImafsServerError('IMAFS_SERVER_CONFIG', `--ima-updates: bad prefix length in ${JSON.stringify(item)}`);
    bl.addSubnet(a, n, family(a));
  }
  return bl;
}

export function parseImaUpdates(text = 'none'): ImaUpdatePolicy {
  let root = false;
  let owner = false;
  const clients: net.BlockList[] = [];
  const rules = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (rules.length === 0) throw new ImafsServerError('IMAFS_SERVER_CONFIG', '--ima-updates: empty rule list');
  for (const rule of rules) {
    if (rule === 'none') continue;
    else if (rule === 'root') root = true;
    else if (rule === 'owner') owner = true;
    else if (rule.startsWith('clients=')) clients.push(parseClients(rule.slice('clients='.length), text));
    else throw new ImafsServerError('IMAFS_SERVER_CONFIG', `--ima-updates: unknown rule ${JSON.stringify(rule)} (none, root, owner, clients=<addr|cidr>)`);
  }
  if (rules.includes('none') && rules.length > 1) {
    throw new ImafsServerError('IMAFS_SERVER_CONFIG', `--ima-updates: 'none' cannot be combined with other rules`);
  }
  return {
    text: rules.join(','),
    refuse(cred, file) {
      if (root && cred.uid === 0) return undefined;
      if (owner && cred.uid !== undefined && (cred.uid === file.uid || cred.gid === file.gid || cred.gids.includes(file.gid))) return undefined;
      const a = plainAddr(cred.addr);
      if (net.isIP(a) !== 0 && clients.some((bl) => bl.check(a, family(a)))) return undefined;
      if (!root && !owner && clients.length === 0) return 'IMA metadata updates are disabled (--ima-updates none)';
      const who = cred.uid === undefined ? 'AUTH_NONE' : `uid ${cred.uid} gid ${cred.gid}`;
      return `${who} from ${a} is not allowed by --ima-updates ${rules.join(',')} (file owner ${file.uid}:${file.gid})`;
    },
  };
}
