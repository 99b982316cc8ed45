/**
 * Parent side of the fleet simulator: forks worker processes (each under the per-process
 * open-files cap), hands each a slice of agents and 127.0.0.x source addresses, and merges
 * their reports. The CLI and the heartbeat benchmark both drive a fleet through this class.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { LatencyHistogram } from './latency-histogram';
import { sumCounters, intervalBetween, type FleetInterval, type FleetSnapshot } from './fleet-totals';
import type { AgentCredential, ClientSettings, WorkerAssignment, WorkerCounters, WorkerToParent } from './sim-types';

export interface FleetOptions {
  serverUrl: string;
  credentials: AgentCredential[];
  /** Worker processes; default: enough to keep each under {@link MAX_PER_PROCESS} sockets. */
  processes?: number;
  /** Total connects per second during the ramp. */
  rampPerSecond?: number;
  heartbeatMsOverride?: number;
  ackTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Simulated run time of each dispatched job (default 0: answer at once, like `echo`). */
  jobWorkMs?: number;
  jobWorkJitterMs?: number;
  reportMs?: number;
  /** Distinct 127.0.0.x source addresses (loopback servers only); default one per 1,000 agents. */
  sourceAddresses?: number;
}

/** 20,000 open files per process, minus headroom for the runtime's own descriptors. */
export const MAX_PER_PROCESS = 4_900;
const AGENTS_PER_SOURCE_ADDRESS = 1_000;

interface WorkerState {
  child: ChildProcess;
  counters: WorkerCounters;
  loopDelayP99Ms: number;
  finalSeen: boolean;
}

export class Fleet {
  private readonly workers: WorkerState[] = [];
  private readonly total = new LatencyHistogram();
  private readonly window = new LatencyHistogram();
  private readonly recent = new LatencyHistogram();
  private windowStart: FleetSnapshot | undefined;
  private recentStart: FleetSnapshot | undefined;
  private readonly listeners = new Set<() => void>();
  private stopped = false;
  private startedAt = Date.now();

  constructor(private readonly options: FleetOptions) {}

  get agents(): number {
    return this.options.credentials.length;
  }

  get workerPids(): number[] {
    return this.workers.map((w) => w.child.pid ?? 0).filter((p) => p > 0);
  }

  async start(): Promise<void> {
    const o = this.options;
    const n = o.credentials.length;
    this.startedAt = Date.now();
    const processes = Math.max(1, Math.min(n, o.processes ?? Math.ceil(n / MAX_PER_PROCESS)));
    const settings: ClientSettings = {
      serverUrl: o.serverUrl,
      heartbeatMsOverride: o.heartbeatMsOverride,
      ackTimeoutMs: o.ackTimeoutMs ?? 10_000,
      connectTimeoutMs: o.connectTimeoutMs ?? 20_000,
      jobWorkMs: o.jobWorkMs ?? 0,
      jobWorkJitterMs: o.jobWorkJitterMs ?? 0,
    };
    const addresses = sourceAddresses(o.serverUrl, o.sourceAddresses ?? Math.ceil(n / AGENTS_PER_SOURCE_ADDRESS));
    const perWorker = Math.ceil(n / processes);
    const ramp = o.rampPerSecond ?? 500;
    const started: Promise<void>[] = [];
    for (let w = 0; w < processes; w++) {
      const first = w * perWorker;
      const slice = o.credentials.slice(first, first + perWorker);
      const assignment: WorkerAssignment = {
        workerId: w,
        clients: slice.map((credential, i) => ({
          credential,
          localAddress: addresses.length > 0 ? addresses[(first + i) % addresses.length] : undefined,
        })),
        settings,
        rampPerSecond: (ramp * slice.length) / n,
        reportMs: o.reportMs ?? 1_000,
      };
      started.push(this.spawn(assignment));
    }
    await Promise.all(started);
  }

  private spawn(assignment: WorkerAssignment): Promise<void> {
    const child = fork(join(__dirname, 'sim-worker.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const state: WorkerState = { child, counters: sumCounters([]), loopDelayP99Ms: 0, finalSeen: false };
    this.workers.push(state);
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        if (!this.stopped) process.stderr.write(`sim worker ${assignment.workerId} exited (${code ?? signal})\n`);
        reject(new Error(`sim worker ${assignment.workerId} exited before start`));
      });
      child.on('message', (msg: WorkerToParent) => {
        if (msg.type === 'ready') {
          child.send({ type: 'start', assignment });
          resolve();
        } else if (msg.type === 'stats') {
          state.counters = msg.counters;
          state.loopDelayP99Ms = msg.loopDelayP99Ms;
          state.finalSeen ||= msg.final;
          const delta = LatencyHistogram.fromWire(msg.latency);
          this.total.merge(delta);
          this.window.merge(delta);
          this.recent.merge(delta);
          for (const listener of this.listeners) listener();
        }
      });
    });
  }

  snapshot(): FleetSnapshot {
    return {
      at: Date.now(),
      agents: this.agents,
      workers: this.workers.length,
      counters: sumCounters(this.workers.map((w) => w.counters)),
      simLoopDelayP99Ms: Math.max(0, ...this.workers.map((w) => w.loopDelayP99Ms)),
    };
  }

  /** Starts a measurement window: counters and latencies from here on are reported by {@link windowStats}. */
  markWindow(): void {
    this.windowStart = this.snapshot();
    this.window.reset();
  }

  windowStats(): FleetInterval {
    const start = this.windowStart ?? { ...this.snapshot(), at: this.startedAt, counters: sumCounters([]) };
    return intervalBetween(start, this.snapshot(), this.window);
  }

  /** What happened since the previous call (or since start): for periodic progress lines. */
  takeInterval(): { snapshot: FleetSnapshot; interval: FleetInterval } {
    const now = this.snapshot();
    const from = this.recentStart ?? { ...now, at: this.startedAt, counters: sumCounters([]) };
    const interval = intervalBetween(from, now, this.recent);
    this.recent.reset();
    this.recentStart = now;
    return { snapshot: now, interval };
  }

  totalLatency(): LatencyHistogram {
    return this.total;
  }

  /** Resolves true as soon as `predicate` holds after a worker report, false after `timeoutMs`. */
  waitFor(predicate: (s: FleetSnapshot) => boolean, timeoutMs: number): Promise<boolean> {
    if (predicate(this.snapshot())) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve(ok);
      };
      const check = (): void => {
        if (predicate(this.snapshot())) done(true);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.listeners.add(check);
    });
  }

  /** Subscribes to every worker report; returns the unsubscribe function. */
  onReport(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Asks workers to disconnect their agents and exit; kills any still alive after `graceMs`. */
  async stop(graceMs = 5_000): Promise<FleetSnapshot> {
    this.stopped = true;
    const exits = this.workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.child.exitCode !== null || w.child.signalCode !== null) return resolve();
          const timer = setTimeout(() => w.child.kill('SIGKILL'), graceMs);
          w.child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          if (w.child.connected) w.child.send({ type: 'stop' });
          else w.child.kill('SIGTERM');
        }),
    );
    await Promise.all(exits);
    return this.snapshot();
  }

  /** Synchronous last resort for process exit handlers. */
  kill(): void {
    this.stopped = true;
    for (const w of this.workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
  }
}

/** 127.0.0.2 .. 127.0.0.x for a loopback server; none otherwise (the OS picks the route). */
function sourceAddresses(serverUrl: string, count: number): string[] {
  const host = new URL(serverUrl).hostname;
  // Not for `localhost`: it may resolve to ::1, which cannot connect from a 127.0.0.x source.
  if (!host.startsWith('127.')) return [];
  const n = Math.max(1, Math.min(250, count));
  return Array.from({ length: n }, (_, i) => `127.0.0.${i + 2}`);
}
