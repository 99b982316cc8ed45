// Work dir of a benchmark against the real server: the database, the logs, the admin token the
// database was created with, and the enrolled simulated agents (sim-state.json), all kept
// between runs so a re-run reconnects the same agents instead of enrolling them again.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Creates (or with `fresh`, recreates) `dir`; returns it with the admin token its database knows. */
export function prepareWorkDir(dir, fresh = false) {
  if (fresh) rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'data'), { recursive: true });
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const tokenFile = join(dir, 'admin-token');
  if (!existsSync(tokenFile)) {
    // A database without the token file would refuse our admin token: start it anew.
    rmSync(join(dir, 'data'), { recursive: true, force: true });
    rmSync(join(dir, 'sim-state.json'), { force: true });
    mkdirSync(join(dir, 'data'), { recursive: true });
    writeFileSync(tokenFile, `bench_${randomBytes(24).toString('base64url')}`, { mode: 0o600 });
  }
  return { dir, adminToken: readFileSync(tokenFile, 'utf8').trim() };
}
