import { spawnSync } from 'node:child_process';

export interface RunResult {
  /** Exit code; null when the command could not start (then `error` says why) or was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  error?: string;
}

/** Runs service-manager commands (systemctl, schtasks); a fake in unit tests records the calls. */
export interface ProcessRunner {
  run(command: string, args: readonly string[], options?: { timeoutMs?: number }): RunResult;
}

export const realRunner: ProcessRunner = {
  run(command, args, options = {}) {
    const result = spawnSync(command, args, { encoding: 'utf8', timeout: options.timeoutMs ?? 60_000, windowsHide: true });
    return {
      code: result.status,
      stdout: result.stdout ?? '',
      stderr: result.stderr ?? '',
      ...(result.error ? { error: result.error.message } : {}),
    };
  },
};

/** `command args...: exit N: stderr` for error messages. */
export function describeFailure(command: string, args: readonly string[], result: RunResult): string {
  const why = result.error ?? `exit ${result.code}`;
  const detail = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ');
  return `${command} ${args.join(' ')}: ${why}${detail ? `: ${detail}` : ''}`;
}
