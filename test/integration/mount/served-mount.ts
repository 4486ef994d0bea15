/**
 * The common setup of mount tests: a temp export signed with a fresh key,
 * served by `imafs serve`, mounted by the real CLI. `stop` unmounts, stops the
 * server by PID and removes the temp dir; a failure half way through start
 * undoes what was started before it rethrows.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startImafsServe, type ServeHandle } from '../../helpers/imafs-serve.js';
import { makeKey, tmpDir, type KeyKind, type TestKey, type TmpDir } from '../../helpers/ima-keys.js';
import { mountImafs, type MountHandle } from './mount-fixture.js';

export interface ServedMount {
  tmp: TmpDir;
  /** The exported directory (write here to change files "on the server"). */
  dir: string;
  key: TestKey;
  srv: ServeHandle;
  m: MountHandle;
  stop(): Promise<void>;
}

export async function startServedMount(prefix: string, keyKind: KeyKind, mountArgs: string[]): Promise<ServedMount> {
  const tmp = tmpDir(prefix);
  let srv: ServeHandle | undefined;
  try {
    const dir = join(tmp.dir, 'export');
    mkdirSync(dir);
    const key = makeKey(tmp.dir, keyKind, { name: 'pub' });
    srv = await startImafsServe(dir);
    const { handle: m } = await mountImafs(srv.url(''), [...mountArgs, '--keys', key.cert]);
    const s = srv;
    return {
      tmp, dir, key, srv: s, m,
      async stop() {
        await m.cleanup();
        await s.stop();
        tmp.cleanup();
      },
    };
  } catch (err) {
    await srv?.stop();
    tmp.cleanup();
    throw err;
  }
}
