import { execFile } from 'node:child_process';

/** What a short helper command (schtasks, taskkill, sudo -n true, loginctl ...) produced. */
export interface ProcessResult {
  /** Null when the command could not start or was killed (see `error`). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Set when the command could not start or ran past its timeout. */
  error?: string;
}

export interface ProcessRunOptions {
  timeoutMs?: number;
  /** Windows: pass `args[0]` as the command line as-is (cmd.exe quoting). */
  windowsVerbatimArguments?: boolean;
}

/**
 * Runs a helper command to completion. Injected everywhere a role shells out for bookkeeping,
 * so tests can check the exact commands (e.g. the Windows scheduled-task sequence) on Linux.
 */
export interface ProcessRunner {
  run(file: string, args: readonly string[], options?: ProcessRunOptions): Promise<ProcessResult>;
}

const DEFAULT_TIMEOUT_MS = 15_000;

/** The real runner. It never rejects: a missing binary or a timeout comes back as `error`. */
export const execFileRunner: ProcessRunner = {
  run(file, args, options = {}) {
    return new Promise((resolve) => {
      execFile(
        file,
        [...args],
        {
          timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          killSignal: 'SIGKILL',
          maxBuffer: 4 * 1024 * 1024,
          windowsHide: true,
          windowsVerbatimArguments: options.windowsVerbatimArguments ?? false,
        },
        (err, stdout, stderr) => {
          if (!err) return resolve({ exitCode: 0, stdout, stderr });
          const code = (err as NodeJS.ErrnoException & { code?: unknown }).code;
          if (typeof code === 'number') return resolve({ exitCode: code, stdout, stderr });
          // A string code (ENOENT, EACCES) means it never ran; killed means the timeout hit.
          const error = (err as { killed?: boolean }).killed ? `timed out after ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms` : err.message;
          resolve({ exitCode: null, stdout, stderr, error });
        },
      );
    });
  },
};
