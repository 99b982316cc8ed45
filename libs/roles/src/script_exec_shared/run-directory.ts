import { chmod, chown, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * `<agent home>/tmp/<runId>/`: the one place a run writes (script, arguments, output files
 * of a SYSTEM task). Private to whoever runs the script, and always removed afterwards.
 */
export class RunDirectory {
  private constructor(readonly path: string) {}

  static async create(home: string, runId: string): Promise<RunDirectory> {
    const tmp = join(home, 'tmp');
    // 0711: another user can pass through to a run folder handed to them, but not list runs.
    await mkdir(tmp, { recursive: true, mode: 0o711 });
    const path = join(tmp, runId.replace(/[^A-Za-z0-9_-]/g, '_'));
    // A leftover from a crashed agent with the same run id must not leak into this run.
    await rm(path, { recursive: true, force: true });
    await mkdir(path, { mode: 0o700 });
    await chmod(path, 0o700); // mkdir's mode is filtered by the umask
    return new RunDirectory(path);
  }

  pathOf(name: string): string {
    return join(this.path, name);
  }

  async write(name: string, data: Buffer | string): Promise<string> {
    const file = this.pathOf(name);
    await writeFile(file, data, { mode: 0o600 });
    return file;
  }

  /** Hands the folder and the given files to the user the script runs as (agent is root). */
  async handTo(uid: number, gid: number, names: readonly string[]): Promise<void> {
    await chown(this.path, uid, gid);
    for (const name of names) await chown(this.pathOf(name), uid, gid);
  }

  /** Never throws: cleanup must not mask the run's result. Retries cover Windows files still locked by a dying process. */
  async remove(): Promise<void> {
    await rm(this.path, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }).catch(() => undefined);
  }
}
