import type { Logger } from 'pino';
import {
  JobEvents, jobCancelSchema, jobDispatchSchema, parseMessage,
  type JobDispatchMessage, type RunResultMessage, type RunStatus,
} from '@borealis/protocol';
import type { RoleAck } from '@borealis/roles';
import type { RoleJobTarget } from '../roles/hosted-role';
import { sleep, type Timers } from '../timers';
import { AcknowledgedRuns } from './acknowledged-runs';
import { JobRun } from './job-run';
import { MAX_RESULT_FRAME_BYTES } from './result-frame';
import { ResultSender } from './result-sender';
import { RunJournal } from './run-journal';
import { failedResult, runStatusOf, type RunRecord } from './run-record';

/** How the runner reaches the server; both never throw. */
export interface JobTransport {
  /** Acked send (`{ok:false, code:'offline'|'timeout'}` when it could not be). */
  emitWithAck(event: string, payload: unknown): Promise<RoleAck>;
  /** Fire and forget; dropped when offline. */
  emit(event: string, payload: unknown): void;
}

export interface JobTargets {
  /** The running role's `runJob`, or undefined (unknown, disabled, failed, or no `runJob`). */
  jobTarget(role: string): Promise<RoleJobTarget | undefined>;
}

export interface JobRunnerTuning {
  outputFlushMs: number;
  /** After an abort, how long a role may take to end the run before it is finished without it. */
  abortGraceMs: number;
  /** Agent stop: how long running jobs get to end and have their results journaled. */
  stopGraceMs: number;
  /** Agent stop: how long to wait for acks of results sent during the stop. */
  stopAckWaitMs: number;
  resultConcurrency: number;
  resultRetryMs: number;
  /** Budget for one encoded run.result; output is cut further when JSON escaping inflates it beyond. */
  maxResultFrameBytes: number;
  acknowledgedMaxEntries: number;
  acknowledgedMaxAgeMs: number;
}

export const DEFAULT_JOB_TUNING: JobRunnerTuning = {
  outputFlushMs: 100,
  abortGraceMs: 5_000,
  stopGraceMs: 2_000,
  stopAckWaitMs: 1_000,
  resultConcurrency: 4,
  resultRetryMs: 30_000,
  maxResultFrameBytes: MAX_RESULT_FRAME_BYTES,
  acknowledgedMaxEntries: 10_000,
  acknowledgedMaxAgeMs: 7 * 24 * 60 * 60 * 1000,
};

export interface JobRunnerOptions {
  home: string;
  logger: Logger;
  timers: Timers;
  roles: JobTargets;
  transport: JobTransport;
  tuning?: Partial<JobRunnerTuning>;
}

/** A run this process is handling: claimed synchronously so a duplicate dispatch racing the first sees it. */
interface Claim {
  run?: JobRun;
  cancelRequested: boolean;
  done?: Promise<void>;
}

export const RESTARTED_ERROR = 'agent restarted during the run';

/**
 * The agent side of jobs: answers `job.dispatch` and `job.cancel`, runs each job once through
 * its role, journals every state change in the outbox before telling the server, and leaves
 * the delivery of results to the {@link ResultSender}.
 */
export class JobRunner {
  private readonly journal: RunJournal;
  private readonly acknowledged: AcknowledgedRuns;
  private readonly sender: ResultSender;
  private readonly claims = new Map<string, Claim>();
  private readonly tuning: JobRunnerTuning;
  private readonly logger: Logger;
  private online = false;
  private stopping: Promise<void> | undefined;
  private loaded: Promise<void> | undefined;

  constructor(private readonly options: JobRunnerOptions) {
    this.tuning = { ...DEFAULT_JOB_TUNING, ...options.tuning };
    this.logger = options.logger;
    this.journal = new RunJournal(options.home, options.logger);
    this.acknowledged = new AcknowledgedRuns({
      dir: this.journal.dir,
      now: () => options.timers.now(),
      logger: options.logger,
      maxEntries: this.tuning.acknowledgedMaxEntries,
      maxAgeMs: this.tuning.acknowledgedMaxAgeMs,
    });
    this.sender = new ResultSender({
      journal: this.journal,
      acknowledged: this.acknowledged,
      send: (result) => options.transport.emitWithAck(JobEvents.result, result),
      logger: options.logger,
      timers: options.timers,
      concurrency: this.tuning.resultConcurrency,
      retryMs: this.tuning.resultRetryMs,
    });
  }

  /** Reads the outbox once; runs that were in progress when the agent died become failed results. */
  load(): Promise<void> {
    this.loaded ??= this.recover();
    return this.loaded;
  }

  /** Called after the hello ack (resend everything pending) and when the link drops. */
  setOnline(online: boolean): void {
    this.online = online;
    this.sender.setOnline(online);
  }

  async dispatch(payload: unknown): Promise<RoleAck> {
    const parsed = parseMessage(jobDispatchSchema, payload);
    if (!parsed.ok) {
      this.logger.warn({ event: JobEvents.dispatch, details: parsed.details }, 'bad message from server ignored');
      return parsed;
    }
    const job = parsed.value;
    await this.load();
    const known = this.known(job.runId);
    if (known) {
      this.logger.info({ runId: job.runId, status: known.status }, 'duplicate dispatch: run already known, not started again');
      if (known.pending) this.sender.submit(job.runId);
      return { ok: true, accepted: false, status: known.status };
    }
    if (this.stopping) return { ok: false, code: 'agent_stopping', message: 'the agent is stopping; dispatch the run again later' };
    const claim: Claim = { cancelRequested: false };
    this.claims.set(job.runId, claim);
    try {
      return await this.accept(job, claim);
    } catch (err) {
      this.logger.error({ runId: job.runId, err: (err as Error).message }, 'run not journaled; refusing the dispatch');
      return { ok: false, code: 'outbox_unavailable', message: `the agent cannot journal the run: ${(err as Error).message}` };
    } finally {
      if (!claim.run) this.claims.delete(job.runId);
    }
  }

  cancel(payload: unknown): RoleAck {
    const parsed = parseMessage(jobCancelSchema, payload);
    if (!parsed.ok) return parsed;
    const { runId } = parsed.value;
    const claim = this.claims.get(runId);
    if (claim) {
      this.logger.info({ runId }, 'cancel requested');
      if (claim.run) claim.run.abort('cancelled');
      else claim.cancelRequested = true;
      return { ok: true, found: true };
    }
    const known = this.known(runId);
    return known ? { ok: true, found: true, status: known.status } : { ok: true, found: false };
  }

  /** Aborts running jobs ('stopping'), waits up to stopGraceMs for their results to be journaled, then briefly for acks. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const claims = [...this.claims.values()];
      for (const claim of claims) claim.run?.abort('stopping');
      const done = Promise.all(claims.map((c) => c.done));
      const stillRunning = await this.within(this.tuning.stopGraceMs, done);
      if (stillRunning) {
        this.logger.warn('runs did not end within the stop grace; finishing them without their roles');
        for (const claim of claims) claim.run?.abandon();
        await done;
      }
      await this.journal.flushed();
      if (this.online) await this.within(this.tuning.stopAckWaitMs, this.sender.idle());
      this.sender.stop();
    })();
    return this.stopping;
  }

  private async accept(job: JobDispatchMessage, claim: Claim): Promise<RoleAck> {
    const target = await this.options.roles.jobTarget(job.role);
    if (this.stopping) return { ok: false, code: 'agent_stopping', message: 'the agent is stopping; dispatch the run again later' };
    const now = this.options.timers.now();
    const record: RunRecord = {
      version: 1, runId: job.runId, jobId: job.jobId, role: job.role, timeoutSeconds: job.timeoutSeconds,
      state: 'accepted', acceptedAt: now, startedAt: null, result: null,
    };
    if (!target || claim.cancelRequested) {
      const result = target
        ? { ...failedResult(job.runId, 'cancelled', null, now), status: 'cancelled' as const }
        : failedResult(job.runId, `role ${job.role} is not available on this agent`, null, now);
      this.logger.warn({ runId: job.runId, jobId: job.jobId, role: job.role, error: result.error }, 'run ends without starting');
      await this.journal.put({ ...record, state: 'finished', result });
      setImmediate(() => this.sender.submit(job.runId)); // after the dispatch ack is on the wire
      return { ok: true, accepted: true };
    }
    await this.journal.put(record);
    this.start(job, target, claim);
    return { ok: true, accepted: true };
  }

  private start(job: JobDispatchMessage, target: RoleJobTarget, claim: Claim): void {
    const logger = this.logger.child({ runId: job.runId, jobId: job.jobId, role: job.role });
    logger.info({ timeoutSeconds: job.timeoutSeconds }, 'run accepted');
    const run = new JobRun({
      dispatch: job,
      target,
      timers: this.options.timers,
      logger,
      onStarted: (startedAt) => this.onStarted(job.runId, startedAt, logger),
      sendOutput: (message) => {
        if (this.online) this.options.transport.emit(JobEvents.output, message);
      },
      outputFlushMs: this.tuning.outputFlushMs,
      abortGraceMs: this.tuning.abortGraceMs,
      maxResultFrameBytes: this.tuning.maxResultFrameBytes,
    });
    claim.run = run;
    claim.done = run
      .execute()
      .then((result) => this.finish(result, logger))
      .finally(() => this.claims.delete(job.runId));
  }

  /** Journaled first: if the agent dies now, the restart knows the run had started. The server may miss it; the result carries startedAt. */
  private onStarted(runId: string, startedAt: number, logger: Logger): void {
    const current = this.journal.get(runId);
    if (!current || current.state !== 'accepted') return;
    this.journal.put({ ...current, state: 'running', startedAt }).then(
      async () => {
        if (!this.online) return;
        const ack = await this.options.transport.emitWithAck(JobEvents.started, { runId, startedAt });
        if (!ack.ok) logger.debug({ code: ack.code }, 'run.started not acknowledged');
      },
      (err: unknown) => logger.error({ err: (err as Error).message }, 'running state not journaled'),
    );
  }

  private async finish(result: RunResultMessage, logger: Logger): Promise<void> {
    const current = this.journal.get(result.runId);
    if (!current) return;
    try {
      await this.journal.put({ ...current, state: 'finished', startedAt: result.startedAt, result });
    } catch (err) {
      // Still worth sending: if the server acks it, nothing is lost; if not, a restart reports the run failed.
      logger.error({ err: (err as Error).message }, 'result not journaled; sending it from memory');
    }
    this.sender.submit(result.runId);
  }

  private known(runId: string): { status: RunStatus; pending: boolean } | undefined {
    const record = this.journal.get(runId);
    if (record) return { status: runStatusOf(record), pending: record.state === 'finished' };
    const claim = this.claims.get(runId);
    if (claim) return { status: 'dispatched', pending: false };
    const acknowledged = this.acknowledged.get(runId);
    return acknowledged ? { status: acknowledged.status, pending: false } : undefined;
  }

  private async recover(): Promise<void> {
    const records = await this.journal.load();
    await this.acknowledged.load();
    let failed = 0;
    for (const record of records) {
      if (this.acknowledged.get(record.runId)) {
        await this.journal.remove(record.runId); // the agent died between recording the ack and deleting the file
        continue;
      }
      if (record.state === 'finished') continue;
      const result = failedResult(record.runId, RESTARTED_ERROR, record.startedAt, this.options.timers.now());
      await this.journal.put({ ...record, state: 'finished', result });
      failed++;
      this.logger.warn({ runId: record.runId, jobId: record.jobId, role: record.role, was: record.state }, 'run interrupted by an agent restart; reporting it failed');
    }
    const pending = this.journal.pending().length;
    if (pending > 0 || failed > 0) this.logger.info({ pending, interrupted: failed }, 'outbox loaded: results waiting for the server');
  }

  /** True when `work` did not settle within `ms`. */
  private async within(ms: number, work: Promise<unknown>): Promise<boolean> {
    const timer = new AbortController();
    let settled = false;
    await Promise.race([work.then(() => (settled = true), () => (settled = true)), sleep(ms, timer.signal, this.options.timers)]);
    timer.abort();
    return !settled;
  }
}
