import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

/** A private Xvfb display for a spec: `:N` with the first free N from 90, stopped by `stop()`. */
export interface Xvfb {
  display: string;
  stop(): Promise<void>;
}

export async function startXvfb(width = 640, height = 480): Promise<Xvfb> {
  for (let n = 90 + Math.floor(Math.random() * 50); n < 400; n++) {
    if (existsSync(`/tmp/.X11-unix/X${n}`) || existsSync(`/tmp/.X${n}-lock`)) continue;
    const child: ChildProcess = spawn('Xvfb', [`:${n}`, '-screen', '0', `${width}x${height}x24`, '-nolisten', 'tcp'], { stdio: 'ignore' });
    const started = Date.now();
    let exited = false;
    child.once('exit', () => { exited = true; });
    child.once('error', () => { exited = true; });
    while (!exited && !existsSync(`/tmp/.X11-unix/X${n}`) && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 50));
    if (exited) continue; // lost a race for this display number: try the next
    if (!existsSync(`/tmp/.X11-unix/X${n}`)) {
      child.kill();
      throw new Error(`Xvfb :${n} did not create its socket within 10 s`);
    }
    return {
      display: `:${n}`,
      stop: () => new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
    };
  }
  throw new Error('no free X display number');
}
