import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PID_FILE = 'agent.pid';

/** `<home>/agent.pid`: one foreground agent per home folder, and what `status` reads. */
export class PidFile {
  readonly path: string;

  constructor(home: string) {
    this.path = join(home, PID_FILE);
  }

  read(): number | undefined {
    try {
      const pid = Number.parseInt(readFileSync(this.path, 'utf8').trim(), 10);
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** The pid in the file if that process still exists (a stale file from a crash does not count). */
  runningPid(): number | undefined {
    const pid = this.read();
    return pid !== undefined && isProcessAlive(pid) ? pid : undefined;
  }

  /** Claims the home folder for this process; throws if another live agent holds it. */
  acquire(pid = process.pid): void {
    const other = this.runningPid();
    if (other !== undefined && other !== pid) {
      throw new Error(`another agent (pid ${other}) is running with this home folder (${this.path})`);
    }
    mkdirSync(join(this.path, '..'), { recursive: true, mode: 0o700 });
    writeFileSync(this.path, `${pid}\n`, { mode: 0o644 });
  }

  /** Removes the file only if it is still ours, so a second instance never deletes the first one's file. */
  release(pid = process.pid): void {
    if (this.read() === pid) rmSync(this.path, { force: true });
  }
}

/** The process exists and is not a zombie; signal 0 checks existence without touching it. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
  return !isZombie(pid);
}

/**
 * A launched agent outlives its launcher and is reparented to PID 1; when PID 1 is not an init
 * (a container) it may never be reaped, and a zombie still answers signal 0. It is gone for us.
 */
function isZombie(pid: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) === 'Z';
  } catch {
    return false;
  }
}
