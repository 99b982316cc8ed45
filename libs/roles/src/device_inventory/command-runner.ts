import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';

export interface CommandSpec {
  file: string;
  args: readonly string[];
  timeoutMs: number;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

export interface CommandOutcome {
  /** Null when the command did not exit by itself (missing, killed by the timeout or the signal). */
  exitCode: number | null;
  /** The first few KiB of stderr, for error messages. */
  stderr: string;
  /** The binary does not exist: the caller tries the next package manager. */
  notFound?: boolean;
  error?: string;
}

/**
 * Runs a command and hands its stdout to `onLine` one line at a time, as chunks arrive. Package
 * lists reach megabytes: this keeps each synchronous step to one pipe chunk (<= 64 KiB), so the
 * event loop (heartbeats, jobs) never waits on a whole listing being split and parsed at once.
 */
export interface CommandRunner {
  runLines(spec: CommandSpec, onLine: (line: string) => void): Promise<CommandOutcome>;
}

const STDERR_KEEP = 4096;

/** The real runner: spawn without a shell, never rejects. */
export const spawnCommandRunner: CommandRunner = {
  runLines(spec, onLine) {
    return new Promise((resolve) => {
      if (spec.signal?.aborted) return resolve({ exitCode: null, stderr: '', error: 'aborted' });
      const child = spawn(spec.file, [...spec.args], {
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true,
        env: spec.env ?? process.env,
      });
      const decoder = new StringDecoder('utf8');
      let rest = '';
      let stderr = '';
      let killedFor: string | undefined;
      const kill = (why: string): void => {
        killedFor ??= why;
        child.kill('SIGKILL');
      };
      const timer = setTimeout(() => kill(`timed out after ${spec.timeoutMs} ms`), spec.timeoutMs);
      const onAbort = (): void => kill('aborted');
      spec.signal?.addEventListener('abort', onAbort, { once: true });
      const emitLines = (text: string): void => {
        const lines = (rest + text).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
      };
      child.stdout.on('data', (chunk: Buffer) => emitLines(decoder.write(chunk)));
      child.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < STDERR_KEEP) stderr += chunk.toString('utf8').slice(0, STDERR_KEEP - stderr.length);
      });
      const finish = (outcome: CommandOutcome): void => {
        clearTimeout(timer);
        spec.signal?.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      child.once('error', (err: NodeJS.ErrnoException) => {
        finish({ exitCode: null, stderr, notFound: err.code === 'ENOENT', error: `could not start ${spec.file}: ${err.message}` });
      });
      // 'close' (not 'exit'): all of stdout has been read by then.
      child.once('close', (code) => {
        emitLines(decoder.end());
        if (rest.length > 0) onLine(rest);
        rest = '';
        if (killedFor) return finish({ exitCode: null, stderr, error: `${spec.file} ${killedFor}` });
        finish({ exitCode: code, stderr });
      });
    });
  },
};
