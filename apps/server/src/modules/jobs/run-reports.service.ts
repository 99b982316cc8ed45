import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { In } from 'typeorm';
import type { Ack, RunOutputMessage, RunResultMessage, RunStartedMessage, RunStatus } from '@borealis/protocol';
import { Clock } from '../../common/clock';
import { rawQuery } from '../../common/raw-sql';
import { JobDispatcher } from './job-dispatcher';
import { JobEvents, type RunStatusEvent } from './job-events';
import { chunks, isTerminal, RunStore } from './run.store';

type Reply = (ack: Ack<Record<string, unknown>>) => void;
type Report =
  | { kind: 'started'; deviceId: string; message: RunStartedMessage; reply?: Reply }
  | { kind: 'result'; deviceId: string; message: RunResultMessage; reply?: Reply };

interface RunFacts {
  id: string;
  jobId: string;
  deviceId: string;
  status: RunStatus;
  timeoutSeconds: number;
}

const MAX_BATCH = 500;
const FLUSH_DELAY_MS = 15;

/**
 * Applies what agents report about runs. Reports are queued and written in one transaction
 * per batch (a 10,000-device fan-out is ~20 commits, not 20,000); each agent gets its ack only
 * after the commit, so an acknowledged result is never lost. Idempotent per run id.
 */
@Injectable()
export class RunReportsService implements OnApplicationShutdown {
  private readonly logger = new Logger('RunReports');
  private queue: Report[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** jobId of recently dispatched runs, so live output needs no database read. */
  private readonly jobOfRun = new Map<string, { jobId: string; deviceId: string }>();

  constructor(
    private readonly store: RunStore,
    private readonly dispatcher: JobDispatcher,
    private readonly events: JobEvents,
    private readonly clock: Clock,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  report(report: Report): void {
    this.queue.push(report);
    if (this.queue.length >= MAX_BATCH) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
  }

  /** Live output goes to viewers only; the result carries the whole (capped) output. */
  async output(deviceId: string, message: RunOutputMessage): Promise<void> {
    let owner = this.jobOfRun.get(message.runId);
    if (!owner) {
      const run = await this.store.runs.findOne({ where: { id: message.runId }, select: { id: true, jobId: true, deviceId: true } });
      if (!run) return;
      owner = { jobId: run.jobId, deviceId: run.deviceId };
      this.remember(message.runId, owner);
    }
    if (owner.deviceId !== deviceId) return; // an agent may only speak for its own runs
    this.events.emit('output', { ...message, jobId: owner.jobId, deviceId });
  }

  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue.splice(0, this.queue.length);
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(() => this.apply(batch)).catch((error: unknown) => {
      this.logger.error({ err: error, reports: batch.length }, 'run reports not stored; agents will resend');
      for (const report of batch) report.reply?.({ ok: false, code: 'internal_error', message: 'not stored, retry later' });
    });
    return this.flushing;
  }

  private async apply(batch: Report[]): Promise<void> {
    const facts = await this.facts([...new Set(batch.map((r) => r.message.runId))]);
    const finishing = new Set(batch.filter((r) => r.kind === 'result').map((r) => r.message.runId));
    const replies: [Reply | undefined, Ack<Record<string, unknown>>][] = [];
    const changes: RunStatusEvent[] = [];
    await this.store.dataSource.transaction(async (manager) => {
      for (const report of batch) {
        const run = facts.get(report.message.runId);
        if (!run || run.deviceId !== report.deviceId) {
          replies.push([report.reply, { ok: false, code: 'run_not_found', message: 'no such run for this device' }]);
          continue;
        }
        if (isTerminal(run.status)) {
          replies.push([report.reply, { ok: true, duplicate: true }]);
          continue;
        }
        if (report.kind === 'started') {
          // A result in the same batch supersedes the start: one write instead of two.
          if (run.status !== 'running' && !finishing.has(run.id)) {
            await rawQuery(this.store.dataSource, 'UPDATE "runs" SET "status" = ?, "startedAt" = ?, "leaseExpiresAt" = ? WHERE "id" = ?',
              ['running', report.message.startedAt, this.dispatcher.leaseFrom(this.clock.now(), run.timeoutSeconds).getTime(), run.id], manager);
            run.status = 'running';
            changes.push({ runId: run.id, jobId: run.jobId, deviceId: run.deviceId, status: 'running' });
          }
          replies.push([report.reply, { ok: true }]);
          continue;
        }
        const result = report.message;
        // Hand-written, fixed text: TypeORM's update building cost 2-3x the statement (fan-out profile).
        await rawQuery(this.store.dataSource,
          'UPDATE "runs" SET "status" = ?, "exitCode" = ?, "stdout" = ?, "stderr" = ?, "stdoutTruncated" = ?, "stderrTruncated" = ?, '
          + '"error" = ?, "startedAt" = ?, "finishedAt" = ?, "leaseExpiresAt" = NULL WHERE "id" = ?',
          [result.status, result.exitCode, result.stdout, result.stderr, result.stdoutTruncated, result.stderrTruncated,
            result.error, result.startedAt, result.finishedAt, run.id], manager);
        run.status = result.status;
        this.jobOfRun.delete(run.id);
        changes.push({ runId: run.id, jobId: run.jobId, deviceId: run.deviceId, status: result.status, exitCode: result.exitCode, error: result.error });
        replies.push([report.reply, { ok: true }]);
      }
    });
    for (const [reply, ack] of replies) reply?.(ack);
    for (const change of changes) this.events.emit('status', change);
  }

  private async facts(runIds: string[]): Promise<Map<string, RunFacts>> {
    const facts = new Map<string, RunFacts>();
    for (const part of chunks(runIds)) {
      const runs = await this.store.runs.find({ where: { id: In(part) }, select: { id: true, jobId: true, deviceId: true, status: true } });
      const jobIds = [...new Set(runs.map((r) => r.jobId))];
      const jobs = await this.store.jobs.find({ where: { id: In(jobIds) }, select: { id: true, timeoutSeconds: true } });
      const timeouts = new Map(jobs.map((j) => [j.id, j.timeoutSeconds]));
      for (const run of runs) facts.set(run.id, { ...run, timeoutSeconds: timeouts.get(run.jobId) ?? 0 });
    }
    return facts;
  }

  remember(runId: string, owner: { jobId: string; deviceId: string }): void {
    // Bounded: a map of in-flight runs; the oldest entries go first if results never come.
    if (this.jobOfRun.size > 200_000) this.jobOfRun.delete(this.jobOfRun.keys().next().value as string);
    this.jobOfRun.set(runId, owner);
  }
}
