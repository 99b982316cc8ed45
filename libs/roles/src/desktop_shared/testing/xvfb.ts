// Real X servers for the desktop specs (imported by specs only, never part of the agent bundle).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

export interface XvfbServer {
  /** e.g. `:93` */
  display: string;
  /** `process.env` with `DISPLAY` set to this server. */
  env: NodeJS.ProcessEnv;
  pid: number;
  /** Ends the server (SIGTERM, SIGKILL after 3 s); safe to call twice. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash: leaves its socket file behind like a real crash does (stop() removes it). */
  kill(): Promise<void>;
}

const running = new Set<XvfbServer>();
// A spec that throws before its `after` must not leave X servers behind.
process.once('exit', () => running.forEach((x) => { try { process.kill(x.pid, 'SIGKILL'); } catch { /* gone */ } }));

/** A display number with neither a lock file nor a socket, starting at a random point (specs run in parallel). */
function freeDisplayNumber(): number {
  const start = 100 + Math.floor(Math.random() * 400);
  for (let i = 0; i < 500; i++) {
    const n = 100 + ((start - 100 + i) % 500);
    if (!existsSync(`/tmp/.X${n}-lock`) && !existsSync(`/tmp/.X11-unix/X${n}`)) return n;
  }
  throw new Error('no free X display number in 100-599');
}

function socketAccepts(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/**
 * True when our Xvfb holds display `n`: its pid is in the lock file. Checking only the socket
 * would accept another spec's server that won the race for the same number.
 */
function ownsDisplay(n: number, child: ChildProcess): boolean {
  return child.exitCode === null && lockPid(n) === child.pid;
}

/** The pid in `/tmp/.X<n>-lock`, or undefined. */
function lockPid(n: number): number | undefined {
  try {
    return Number(readFileSync(`/tmp/.X${n}-lock`, 'utf8').trim());
  } catch {
    return undefined;
  }
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => {
  if (child.exitCode !== null || child.signalCode !== null) resolve();
  else child.once('exit', () => resolve());
});

/**
 * Starts `Xvfb :N -screen 0 WxHx24 -nolisten tcp -noreset` on a free N and waits until its socket
 * accepts. `-noreset`: without it the server resets (root background included) whenever its last
 * client disconnects, so a pattern painted by `xsetroot` would vanish before the capture.
 */
export async function startXvfb(options: { width: number; height: number; timeoutMs?: number }): Promise<XvfbServer> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const n = freeDisplayNumber();
    const child = spawn('Xvfb', [`:${n}`, '-screen', '0', `${options.width}x${options.height}x24`, '-nolisten', 'tcp', '-noreset'], { stdio: 'ignore' });
    const socketPath = join('/tmp/.X11-unix', `X${n}`);
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    let up = false;
    while (Date.now() < deadline && child.exitCode === null) {
      if (ownsDisplay(n, child) && (await socketAccepts(socketPath))) { up = true; break; }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!up) {
      child.kill('SIGKILL');
      await exited(child);
      continue; // lost a race for the number, try another
    }
    const display = `:${n}`;
    const server: XvfbServer = {
      display,
      env: { ...process.env, DISPLAY: display },
      pid: child.pid!,
      stop: async () => {
        running.delete(server);
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
          await exited(child);
          clearTimeout(timer);
        }
        // After kill() the server could not remove its lock and socket: do it while they are still ours.
        if (lockPid(n) === child.pid) for (const path of [socketPath, `/tmp/.X${n}-lock`]) rmSync(path, { force: true });
      },
      kill: async () => {
        running.delete(server);
        child.kill('SIGKILL');
        await exited(child);
      },
    };
    running.add(server);
    return server;
  }
  throw new Error('Xvfb did not start (3 attempts)');
}

/** Runs an X client tool against `server` and throws with its stderr when it fails. */
export function xTool(server: XvfbServer, file: string, args: string[]): string {
  const result = spawnSync(file, args, { env: server.env, encoding: 'utf8', timeout: 10_000 });
  if (result.status !== 0) throw new Error(`${file} ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr}`);
  return result.stdout;
}
