import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from 'pino';
import type { MacroKey, ScreenCaptureOptions, ScreenInfo } from '@borealis/protocol';
import { DesktopError } from './desktop-error';
import { realXDisplayCheckDeps, xDisplayProblem, type XDisplayCheckDeps } from './x-display-check';
import { WindowsLockProbe } from './windows-lock';
import { DESKTOP_WORKER_COMMAND, type WorkerCapture, type WorkerOp, type WorkerRequest, type WorkerResponse, type WorkerResults } from './worker-protocol';

export const DEFAULT_IDLE_MS = 60_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 20_000;
/** Typing runs a few ms per character; a long text gets more time than a capture. */
const TYPE_MS_PER_CHAR = 20;

export interface DesktopSessionOptions {
  /** argv that starts the agent again (`RoleAgentInfo.selfCommand`); `desktop-worker` is appended. */
  command: readonly string[];
  /** `linux`, `windows` or `darwin` (`RoleAgentInfo.os`). */
  os: string;
  logger: Logger;
  /** Base environment of the worker (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** The worker stops after this long without requests. */
  idleMs?: number;
  requestTimeoutMs?: number;
  xDisplayCheck?: XDisplayCheckDeps;
  /** Windows only: resolves true while the session is locked (default: {@link WindowsLockProbe}). */
  windowsLocked?: () => Promise<boolean>;
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

interface Worker {
  child: ChildProcess;
  display: string | undefined;
  pending: Map<number, Pending>;
  stderrTail: string;
  /** Set when we end the worker ourselves; the exit handler then reports this instead of a crash. */
  stopReason?: string;
  exited: Promise<void>;
}

/**
 * The agent side of the desktop worker: starts the child on first use, reuses it while requests
 * come, stops it after `idleMs` idle or on `stop()`. When the child dies (the screen library
 * segfaults if the X server is missing or goes away) every pending request fails with
 * `display_unavailable` and a reason; the next request starts a new child.
 */
export class DesktopSession {
  private worker: Worker | undefined;
  private displayOverride: string | undefined;
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Set by stop(): a request still on its way must not start a worker after the role stopped. */
  private closed = false;
  private readonly windowsLocked: () => Promise<boolean>;

  constructor(private readonly options: DesktopSessionOptions) {
    const probe = new WindowsLockProbe();
    this.windowsLocked = options.windowsLocked ?? (() => probe.locked());
  }

  /** The X display to use (role config `display`), falling back to `DISPLAY`; a change restarts the worker. */
  setDisplay(display: string | undefined): void {
    const value = display?.trim() || undefined;
    if (value === this.displayOverride) return;
    this.displayOverride = value;
    if (this.worker) this.endWorker(this.worker, 'the display changed');
  }

  get display(): string | undefined {
    return this.displayOverride ?? (this.options.env ?? process.env).DISPLAY;
  }

  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Starts the worker if needed and proves the screen library can open the display. */
  async ready(): Promise<void> {
    await this.request('ping', {});
  }

  info(): Promise<ScreenInfo> {
    return this.request('info', {});
  }

  async capture(options: Pick<ScreenCaptureOptions, 'display' | 'region' | 'format' | 'quality'>): Promise<WorkerCapture & { data: Buffer }> {
    const result = await this.request('capture', options);
    // Advanced serialization delivers a Uint8Array; Socket.IO sends Buffers as binary attachments.
    const data = Buffer.isBuffer(result.data) ? result.data : Buffer.from(result.data.buffer, result.data.byteOffset, result.data.byteLength);
    return { ...result, data };
  }

  async type(text: string): Promise<void> {
    await this.request('type', { text }, this.timeoutMs() + text.length * TYPE_MS_PER_CHAR);
  }

  async keys(keys: MacroKey[]): Promise<void> {
    await this.request('keys', { keys });
  }

  /** Ends the worker for good (role stop); pending and later requests fail. Resolves once the child exited. */
  async stop(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    if (worker) {
      this.endWorker(worker, 'the role stopped');
      await worker.exited;
    }
  }

  private timeoutMs(): number {
    return this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  private async request<O extends WorkerOp>(op: O, args: Omit<Extract<WorkerRequest, { op: O }>, 'id' | 'op'>, timeoutMs = this.timeoutMs()): Promise<WorkerResults[O]> {
    clearTimeout(this.idleTimer);
    try {
      if (this.options.os === 'windows' && (await this.windowsLocked())) {
        throw new DesktopError('display_locked', 'the Windows session is locked or on the secure desktop (LogonUI is running)');
      }
      const worker = this.worker ?? (await this.startWorker());
      return await this.send(worker, { ...args, op } as Omit<WorkerRequest, 'id'>, timeoutMs) as WorkerResults[O];
    } finally {
      this.armIdleTimer();
    }
  }

  private async startWorker(): Promise<Worker> {
    const display = this.display;
    if (this.options.os === 'linux') {
      const problem = await xDisplayProblem(display, this.options.xDisplayCheck ?? realXDisplayCheckDeps);
      if (problem) throw new DesktopError('display_unavailable', problem);
    }
    if (this.worker) return this.worker; // another request started it while we checked
    if (this.closed) throw new DesktopError('display_unavailable', 'desktop worker stopped: the role stopped');
    const [file, ...args] = this.options.command;
    if (!file) throw new DesktopError('display_unavailable', 'no agent command to start the desktop worker with');
    const env = { ...(this.options.env ?? process.env) };
    if (display !== undefined) env.DISPLAY = display;
    const child = spawn(file, [...args, DESKTOP_WORKER_COMMAND], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
      env,
      windowsHide: true,
    });
    let markExited!: () => void;
    const worker: Worker = { child, display, pending: new Map(), stderrTail: '', exited: new Promise((r) => (markExited = r)) };
    this.worker = worker;
    child.stdout?.resume(); // nothing useful there; drained so the child never blocks on a full pipe
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => { worker.stderrTail = (worker.stderrTail + chunk).slice(-2000); });
    child.on('message', (message) => this.onMessage(worker, message as WorkerResponse));
    child.on('error', (err) => {
      // Spawn failure: there will be no 'exit' event. Other errors (IPC) surface through send callbacks and 'exit'.
      if (child.pid === undefined) void this.onExit(worker, `could not start the desktop worker: ${err.message}`).then(markExited);
    });
    child.once('exit', (code, signal) => void this.onExit(worker, describeExit(code, signal)).then(markExited));
    try {
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
    } catch (err) {
      throw new DesktopError('display_unavailable', `could not start the desktop worker: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.options.logger.debug({ workerPid: child.pid, display }, 'desktop worker started');
    return worker;
  }

  private send(worker: Worker, payload: Omit<WorkerRequest, 'id'>, timeoutMs: number): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        worker.pending.delete(id);
        this.endWorker(worker, `a "${payload.op}" request timed out`);
        void this.explainTimeout(worker, payload.op, timeoutMs).then((message) => reject(new DesktopError('display_unavailable', message)));
      }, timeoutMs);
      worker.pending.set(id, { resolve, reject, timer });
      const unreachable = (err: Error) => {
        if (!worker.pending.delete(id)) return; // already settled (e.g. the worker's exit failed it)
        clearTimeout(timer);
        reject(new DesktopError('display_unavailable', `desktop worker unreachable: ${err.message}`));
      };
      try {
        // With a callback, a broken channel (EPIPE) is reported here instead of as an 'error' event.
        worker.child.send({ ...payload, id } as WorkerRequest, (err) => err && unreachable(err));
      } catch (err) {
        unreachable(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  private onMessage(worker: Worker, response: WorkerResponse): void {
    const pending = worker.pending.get(response.id);
    if (!pending) return; // timed out meanwhile
    worker.pending.delete(response.id);
    clearTimeout(pending.timer);
    if (response.ok) pending.resolve(response.result);
    else pending.reject(new DesktopError(response.code, response.message));
  }

  private async onExit(worker: Worker, exit: string): Promise<void> {
    if (this.worker === worker) this.worker = undefined;
    let message: string;
    if (worker.stopReason) {
      message = `desktop worker stopped: ${worker.stopReason}`;
    } else {
      message = await this.explainDeath(worker, exit);
      this.options.logger.warn({ display: worker.display, exit, stderr: lastLine(worker.stderrTail) }, 'desktop worker died');
    }
    for (const [id, pending] of worker.pending) {
      clearTimeout(pending.timer);
      worker.pending.delete(id);
      pending.reject(new DesktopError('display_unavailable', message));
    }
  }

  /** Why the worker died, in words an operator can act on: the X server, not "exit code 139". */
  private async explainDeath(worker: Worker, exit: string): Promise<string> {
    const display = worker.display ?? '(none)';
    if (/authorization required|no protocol specified|invalid MIT-MAGIC-COOKIE/i.test(worker.stderrTail)) {
      return `X server ${display} refused the connection: authorization required (the agent needs XAUTHORITY of the session) (${exit})`;
    }
    if (/could not open (main )?display/i.test(worker.stderrTail)) return `X server ${display} not reachable (${exit})`;
    if (this.options.os === 'linux') {
      const problem = await xDisplayProblem(worker.display, this.options.xDisplayCheck ?? realXDisplayCheckDeps);
      if (problem) return `${problem} (${exit})`;
    }
    return exit;
  }

  /** A hung screen library usually means a dead or stuck X server: say so when the check agrees. */
  private async explainTimeout(worker: Worker, op: string, timeoutMs: number): Promise<string> {
    const hung = `the screen library did not answer "${op}" within ${Number((timeoutMs / 1000).toFixed(1))} s; its worker was killed`;
    this.options.logger.warn({ op, display: worker.display, timeoutMs }, 'desktop worker request timed out');
    if (this.options.os !== 'linux') return hung;
    const problem = await xDisplayProblem(worker.display, this.options.xDisplayCheck ?? realXDisplayCheckDeps);
    return problem ? `${problem} (${hung})` : hung;
  }

  private endWorker(worker: Worker, reason: string): void {
    worker.stopReason ??= reason;
    if (this.worker === worker) this.worker = undefined;
    if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
  }

  private armIdleTimer(): void {
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    if (!worker || worker.pending.size > 0) return;
    this.idleTimer = setTimeout(() => {
      if (this.worker === worker && worker.pending.size === 0) {
        this.options.logger.debug('desktop worker idle: stopping it');
        this.endWorker(worker, 'idle');
      }
    }, this.options.idleMs ?? DEFAULT_IDLE_MS);
    this.idleTimer.unref();
  }
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal === 'SIGSEGV') return 'screen library crashed (SIGSEGV)';
  if (signal) return `desktop worker killed by ${signal}`;
  return `desktop worker exited with code ${code}`;
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.slice(0, 300) ?? '';
}
