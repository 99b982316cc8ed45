/**
 * Roles for tests of the job path only, registered into a private registry passed to the Agent
 * (`registry` option); the shipped registry never contains them.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RoleConfig } from '@borealis/protocol';
import { RoleRegistry, type RoleContext, type RoleInstance, type RoleJob, type RoleJobOutcome } from '@borealis/roles';

export const JOB_TEST_ROLE = 'test_jobs';
/** A running role without `runJob`. */
export const NO_JOBS_ROLE = 'test_no_jobs';
/** `<home>/test-job-runs.log`: one line per `runJob` call, so a spec can count starts across processes. */
export const RUN_LOG_FILE = 'test-job-runs.log';

/** What the `test_jobs` role does with a job's payload. */
export interface TestJobPayload {
  /** Written to stdout after `started()`. */
  echo?: string;
  chunks?: { stream: 'stdout' | 'stderr'; data: string }[];
  /** `text` written `times` times to stdout, one `output` call each. */
  repeat?: { text: string; times: number };
  sleepMs?: number;
  /** Keeps sleeping after an abort, like a role that does not honour its signal. */
  ignoreAbort?: boolean;
  exitCode?: number;
  error?: string;
  /** Thrown before `started()`. */
  throw?: string;
}

class JobTestRole implements RoleInstance {
  constructor(private readonly context: RoleContext) {}

  /** `startDelayMs` makes the role slow to start, to test dispatches that race the hello config. */
  async onConfig(config: RoleConfig): Promise<void> {
    if (typeof config.startDelayMs === 'number') await pause(config.startDelayMs, undefined);
  }

  async runJob(job: RoleJob): Promise<RoleJobOutcome> {
    appendFileSync(join(this.context.agent.home, RUN_LOG_FILE), `${job.runId}\n`);
    const p = (job.payload ?? {}) as TestJobPayload;
    if (p.throw) throw new Error(p.throw);
    job.started();
    if (p.echo !== undefined) job.output('stdout', p.echo);
    for (const chunk of p.chunks ?? []) job.output(chunk.stream, chunk.data);
    for (let i = 0; i < (p.repeat?.times ?? 0); i++) job.output('stdout', p.repeat!.text);
    if (p.sleepMs) await pause(p.sleepMs, p.ignoreAbort ? undefined : job.signal);
    if (job.signal.aborted && !p.ignoreAbort) return { exitCode: null };
    return { exitCode: p.exitCode ?? 0, ...(p.error !== undefined ? { error: p.error } : {}) };
  }
}

class NoJobsRole implements RoleInstance {}

export function createJobTestRegistry(): RoleRegistry {
  const registry = new RoleRegistry();
  registry.register({ name: JOB_TEST_ROLE, contexts: ['system'] }, JobTestRole);
  registry.register({ name: NO_JOBS_ROLE, contexts: ['system'] }, NoJobsRole);
  return registry;
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
