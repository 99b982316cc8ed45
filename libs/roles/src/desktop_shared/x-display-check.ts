import { existsSync } from 'node:fs';
import { connect } from 'node:net';

/** How a `DISPLAY` value is reached: a local socket we can check, or something we cannot (TCP, paths). */
export type XDisplayTarget =
  | { kind: 'local'; number: number; socketPath: string }
  | { kind: 'other' };

/** `:0`, `:0.1`, `unix:0` are local sockets `/tmp/.X11-unix/X<n>`; `host:0` (TCP) and the rest are `other`. */
export function parseXDisplay(value: string): XDisplayTarget | undefined {
  const local = /^(?:unix)?:(\d+)(?:\.\d+)?$/.exec(value.trim());
  if (local) {
    const number = Number(local[1]);
    return { kind: 'local', number, socketPath: `/tmp/.X11-unix/X${number}` };
  }
  if (/^[^\s:]*:\d+(?:\.\d+)?$/.test(value.trim()) || value.startsWith('/')) return { kind: 'other' };
  return undefined;
}

export interface XDisplayCheckDeps {
  exists(path: string): boolean;
  /** True when a Unix socket at `path` accepts a connection within the timeout. */
  accepts(path: string, timeoutMs: number): Promise<boolean>;
}

export const realXDisplayCheckDeps: XDisplayCheckDeps = {
  exists: existsSync,
  accepts: (path, timeoutMs) => new Promise((resolve) => {
    const socket = connect(path);
    const done = (ok: boolean) => { clearTimeout(timer); socket.destroy(); resolve(ok); };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  }),
};

/**
 * Why `display` cannot be used, or undefined when it looks usable. Checked before the worker is
 * spawned because the screen library segfaults without a reachable X server: a clear reason here
 * beats a crash report. A stale socket (X server killed with SIGKILL) refuses the connection.
 */
export async function xDisplayProblem(display: string | undefined, deps: XDisplayCheckDeps = realXDisplayCheckDeps): Promise<string | undefined> {
  if (!display || display.trim() === '') return 'no display: DISPLAY is not set and the role config has no "display"';
  const target = parseXDisplay(display);
  if (!target) return `no display: DISPLAY "${display}" is not an X display name (expected e.g. ":0")`;
  if (target.kind === 'other') return undefined; // remote or unusual: let the screen library try
  if (!deps.exists(target.socketPath)) return `X server ${display} not reachable: ${target.socketPath} does not exist`;
  if (!(await deps.accepts(target.socketPath, 2000))) return `X server ${display} not reachable: ${target.socketPath} refuses connections`;
  return undefined;
}
