// The two agents the single-binary benchmark compares, started the same way against one server:
// `binary` = build/out/borealis-agent-linux-x64 (Node 22 inside), `source` = apps/agent/dist/cli.js
// on the machine's Node (the baseline, what `npm run agent` runs).
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
export const BINARY = join(root, 'build', 'out', 'borealis-agent-linux-x64');
export const SOURCE_CLI = join(root, 'apps', 'agent', 'dist', 'cli.js');

export const KINDS = {
  binary: (args) => [BINARY, args],
  source: (args) => [process.execPath, [SOURCE_CLI, ...args]],
};

/**
 * One agent process with its own home. Without a log file, `online` resolves with the ms from spawn
 * to the agent's `connected` log line (hello acked and its config applied: the device is online).
 */
export class BenchAgent {
  constructor(kind, serverUrl, { home, logFile } = {}) {
    this.kind = kind;
    this.serverUrl = serverUrl;
    this.home = home ?? mkdtempSync(join(tmpdir(), `borealis-bench-${kind}-`));
    this.logFile = logFile;
  }

  start(enrollmentToken) {
    const args = ['run', '--server', this.serverUrl, '--home', this.home];
    if (enrollmentToken) args.push('--enrollment-token', enrollmentToken);
    const [command, argv] = KINDS[this.kind](args);
    const startedAt = performance.now();
    // Long runs log to a file so the benchmark process does not hold hours of output in memory.
    const fd = this.logFile ? openSync(this.logFile, 'a') : undefined;
    this.process = spawn(command, argv, { stdio: ['ignore', fd ?? 'pipe', fd ?? 'pipe'] });
    if (fd !== undefined) {
      closeSync(fd);
      return this; // long runs: the benchmark asks the server whether the device is online
    }
    this.online = new Promise((resolveOnline, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.kind} agent not online within 20 s`)), 20_000);
      const onExit = (code) => reject(new Error(`${this.kind} agent exited ${code} before online`));
      this.process.once('exit', onExit);
      let buffer = '';
      this.process.stdout.on('data', (chunk) => {
        if (buffer === undefined) return;
        buffer += chunk.toString();
        if (buffer.includes('"msg":"connected"')) {
          clearTimeout(timer);
          this.process.off('exit', onExit);
          resolveOnline(performance.now() - startedAt);
          buffer = undefined;
        } else if (buffer.length > 65536) buffer = buffer.slice(-4096);
      });
      this.process.stderr.resume();
    });
    return this;
  }

  get pid() {
    return this.process.pid;
  }

  async stop() {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise((r) => this.process.once('exit', r));
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  async dispose() {
    await this.stop();
    rmSync(this.home, { recursive: true, force: true });
  }
}

/**
 * Anonymous resident memory (heap, stacks, malloc) in bytes. VmRSS also counts file-backed pages:
 * for the single binary that is the ~100 MB executable itself (Node + the embedded blob), whose
 * touched pages grow as code paths run for the first time and can be dropped by the kernel at any
 * time. A leak shows in RssAnon.
 */
export function rssAnonBytes(pid) {
  try {
    const match = /^RssAnon:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Least-squares slope of (t seconds, bytes) samples, in MiB per hour. */
export function slopeMiBPerHour(samples, key = 'rss') {
  const n = samples.length;
  if (n < 2) return 0;
  const mt = samples.reduce((s, p) => s + p.t, 0) / n;
  const mv = samples.reduce((s, p) => s + p[key], 0) / n;
  let num = 0;
  let den = 0;
  for (const p of samples) {
    num += (p.t - mt) * (p[key] - mv);
    den += (p.t - mt) ** 2;
  }
  return den === 0 ? 0 : ((num / den) * 3600) / 1048576;
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
