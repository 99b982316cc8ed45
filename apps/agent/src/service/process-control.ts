import { isProcessAlive } from '../home/pid-file';

/** Signals and liveness of the agent process by pid; works on Linux and Windows alike. */
export const isAlive = isProcessAlive;

export const sleepMs = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `pid` is gone; false after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleepMs(100);
  }
  return true;
}

/** SIGTERM (graceful stop: jobs aborted, goodbye sent), then SIGKILL after `graceMs`. */
export async function terminate(pid: number, graceMs = 10_000): Promise<'stopped' | 'killed' | 'not_running'> {
  if (!isAlive(pid)) return 'not_running';
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'not_running';
  }
  if (await waitForExit(pid, graceMs)) return 'stopped';
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone meanwhile */
  }
  await waitForExit(pid, 5_000);
  return 'killed';
}
