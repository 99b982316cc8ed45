import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import type { RoleJobOutcome } from '../core';
import type { TreeKiller } from './tree-killer';
import type { ShellInvocation } from './shell-command';

/** What the spawned process reports back to: the job's signal and callbacks. */
export interface ScriptIo {
  signal: AbortSignal;
  started(): void;
  output(stream: 'stdout' | 'stderr', data: string): void;
}

export interface SpawnSpec extends ShellInvocation {
  env: Record<string, string>;
  cwd: string;
  /** POSIX: own session and process group, so the run's tree can be told apart from the agent. */
  detached: boolean;
}

/** How long to keep reading after the script exited while a background child still holds its pipes. */
const DRAIN_AFTER_EXIT_MS = 500;

/**
 * Runs one script process: streams its output (UTF-8 decoded across chunk boundaries), kills
 * its whole tree when the signal aborts, and resolves with the exit code (null when killed).
 */
export function runScriptProcess(spec: SpawnSpec, io: ScriptIo, killer: TreeKiller): Promise<RoleJobOutcome> {
  if (io.signal.aborted) return Promise.resolve({ exitCode: null });
  return new Promise((resolve) => {
    const child = spawn(spec.file, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      detached: spec.detached,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
      windowsVerbatimArguments: spec.windowsVerbatimArguments,
    });
    let spawned = false;
    let killing: Promise<void> | undefined;
    const onAbort = (): void => {
      if (killing || child.pid === undefined) return;
      killing = killer.killTree(child.pid).catch(() => {
        child.kill('SIGKILL'); // tree walk failed: at least the direct child must go
      });
    };
    const drained = Promise.all([pump(child.stdout, 'stdout', io), pump(child.stderr, 'stderr', io)]);

    child.once('spawn', () => {
      spawned = true;
      io.started();
      io.signal.addEventListener('abort', onAbort, { once: true });
      if (io.signal.aborted) onAbort(); // aborted while the process was starting
    });
    child.once('error', (err) => {
      // Only a failure to start lands here before 'spawn'; later errors (kill races) are irrelevant.
      if (!spawned) resolve({ exitCode: null, error: `could not start ${spec.file}: ${err.message}` });
    });
    child.once('exit', (code, signal) => {
      void (async () => {
        const drainTimer = new Promise<void>((r) => setTimeout(r, DRAIN_AFTER_EXIT_MS).unref());
        await Promise.race([drained, drainTimer]);
        child.stdout.destroy();
        child.stderr.destroy();
        io.signal.removeEventListener('abort', onAbort);
        if (killing) {
          await killing;
          return resolve({ exitCode: null });
        }
        if (code !== null) return resolve({ exitCode: code });
        resolve({ exitCode: null, error: `script was killed by ${signal ?? 'a signal'}` });
      })();
    });
  });
}

/** Forwards one stream; a StringDecoder keeps multi-byte characters split across chunks whole. */
function pump(stream: Readable, name: 'stdout' | 'stderr', io: ScriptIo): Promise<void> {
  const decoder = new StringDecoder('utf8');
  let finished = false;
  return new Promise((resolve) => {
    stream.on('data', (chunk: Buffer) => {
      const text = decoder.write(chunk);
      if (text.length > 0) io.output(name, text);
    });
    const finish = (): void => {
      if (finished) return;
      finished = true;
      const rest = decoder.end();
      if (rest.length > 0) io.output(name, rest);
      resolve();
    };
    stream.once('end', finish);
    stream.once('close', finish);
  });
}
