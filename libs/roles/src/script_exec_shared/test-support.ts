// Helpers for the script roles' specs (imported by specs only, so never part of the agent bundle).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmod, chown, mkdtemp } from 'node:fs/promises';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RoleJob, RoleJobOutcome } from '../core';

export interface RecordedJob {
  job: RoleJob;
  controller: AbortController;
  /** 'started', then 'stdout'/'stderr' per chunk, in call order. */
  events: string[];
  stdout(): string;
  stderr(): string;
}

/** A RoleJob that records what the role reports; abort it with `controller.abort('cancelled')`. */
export function makeJob(payload: unknown, timeoutMs = 10_000): RecordedJob {
  const controller = new AbortController();
  const events: string[] = [];
  const chunks = { stdout: [] as string[], stderr: [] as string[] };
  const job: RoleJob = {
    runId: randomUUID(),
    jobId: randomUUID(),
    payload,
    timeoutMs,
    signal: controller.signal,
    started: () => void events.push('started'),
    output: (stream, data) => {
      events.push(stream);
      chunks[stream].push(data);
    },
  };
  return { job, controller, events, stdout: () => chunks.stdout.join(''), stderr: () => chunks.stderr.join('') };
}

const tempHomes: string[] = [];
process.once('exit', () => tempHomes.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** An agent home (removed when the spec process exits); 0755 so a user the role switches to can reach its tmp folder. */
export async function tempHome(owner?: { uid: number; gid: number }): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'borealis-script-'));
  tempHomes.push(home);
  await chmod(home, 0o755);
  if (owner) await chown(home, owner.uid, owner.gid);
  return home;
}

/** Pids of live processes whose command line contains `marker` (zombies have an empty one). */
export function processesWithMarker(marker: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
    .filter((name) => {
      try {
        return readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

export const NOBODY = { uid: 65534, gid: 65534 };

export interface ChildRun {
  outcome: RoleJobOutcome;
  stdout: string;
  stderr: string;
  started: boolean;
  logs: Record<string, unknown>[];
}

export interface ChildRunOptions {
  /** Role module under dist, e.g. 'script_exec_system/role', and its exported class. */
  role: string;
  exportName: string;
  home: string;
  payload: unknown;
  env?: Record<string, string>;
  config?: Record<string, unknown>;
  cancelAfterMs?: number;
  killGraceMs?: number;
}

/**
 * Runs a compiled role in a separate node process as user `nobody` (an agent without rights),
 * and returns what its job reported.
 */
export function runRoleAsNobody(options: ChildRunOptions): Promise<ChildRun> {
  const dist = join(__dirname, '..');
  const code = `
    const spec = JSON.parse(process.argv[1]);
    const { createFakeRoleContext } = require(spec.dist + '/core');
    const RoleClass = require(spec.dist + '/' + spec.role)[spec.exportName];
    const fake = createFakeRoleContext({ agent: { home: spec.home } });
    const role = new RoleClass(fake.context, { killGraceMs: spec.killGraceMs ?? 500 });
    if (spec.config) role.onConfig(spec.config);
    const controller = new AbortController();
    const out = { stdout: '', stderr: '', started: false };
    const job = { runId: require('crypto').randomUUID(), jobId: require('crypto').randomUUID(), payload: spec.payload,
      timeoutMs: 10000, signal: controller.signal, started: () => { out.started = true; },
      output: (stream, data) => { out[stream] += data; } };
    if (spec.cancelAfterMs) setTimeout(() => controller.abort('cancelled'), spec.cancelAfterMs);
    role.runJob(job).then((outcome) => process.stdout.write(JSON.stringify({ ...out, outcome, logs: fake.logs })));
  `;
  const spec = JSON.stringify({ ...options, dist });
  return new Promise((resolve, reject) => {
    const child = spawn('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '-e', code, spec], {
      env: options.env ?? { PATH: '/usr/bin:/bin' },
      cwd: '/',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`child exited ${code}: ${stderr}`));
      resolve(JSON.parse(stdout) as ChildRun);
    });
  });
}
