// One build at a time: two spec processes may ask for the binary at once (node --test runs
// specs in parallel), and a half-written binary must never be executed.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const WAIT_MS = 15 * 60_000;

function holderAlive(lockDir) {
  try {
    const pid = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err?.code === 'EPERM';
  }
}

/** Runs `work` while holding a directory lock; a lock left by a dead process is taken over. */
export async function withBuildLock(lockDir, work) {
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      // A lock without a pid file yet may be a second old; only a dead holder's lock is removed.
      if (!holderAlive(lockDir) && Date.now() - started > 2000) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() - started > WAIT_MS) throw new Error(`build lock ${lockDir} held for more than ${WAIT_MS / 60000} min`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
