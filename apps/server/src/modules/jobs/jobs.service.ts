import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { In, type FindOptionsSelect } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { parseMessage, scriptPayloadSchema } from '@borealis/protocol';
import { Clock } from '../../common/clock';
import { ConflictError, NotFoundError, ValidationError } from '../../common/errors';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { DevicesService } from '../devices/devices.service';
import { JobDispatcher } from './job-dispatcher';
import { JobEvents } from './job-events';
import { JobEntity, type JobTarget } from './job.entity';
import { RunEntity } from './run.entity';
import { RunReportsService } from './run-reports.service';
import { chunks, RunStore } from './run.store';

const SCRIPT_ROLES = new Set(['script_exec_currentuser', 'script_exec_system']);
const MAX_PAYLOAD_BYTES = 512 * 1024;

export interface CreateJobInput {
  role: string;
  target: JobTarget;
  payload: unknown;
  timeoutSeconds?: number;
  expiresInSeconds?: number;
}

@Injectable()
export class JobsService {
  private readonly logger = new Logger('Jobs');

  constructor(
    private readonly store: RunStore,
    private readonly devices: DevicesService,
    private readonly dispatcher: JobDispatcher,
    private readonly reports: RunReportsService,
    private readonly events: JobEvents,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Creates the job and one run per target device, audits it, and dispatches to online devices. */
  async create(by: Principal, input: CreateJobInput): Promise<{ job: JobEntity; runs: RunEntity[] }> {
    validatePayload(input.role, input.payload);
    const chosen = ['deviceIds', 'tags', 'all'].filter((key) => input.target[key as keyof JobTarget] !== undefined);
    if (chosen.length !== 1) throw new ValidationError('invalid_target', 'target needs exactly one of deviceIds, tags, all', { given: chosen });
    const deviceIds = await this.devices.resolveTarget(input.target);
    if (deviceIds.length === 0) throw new ValidationError('no_target_devices', 'the target matches no device', { target: input.target });
    const now = this.clock.now();
    const job = this.store.jobs.create({
      id: randomUUID(), role: input.role, target: input.target, payload: input.payload,
      timeoutSeconds: input.timeoutSeconds ?? 300, expiresAt: new Date(now.getTime() + (input.expiresInSeconds ?? 86_400) * 1000),
      createdAt: now, createdBy: by.name, runCount: deviceIds.length, cancelledAt: null,
    });
    const runs = deviceIds.map((deviceId) => this.store.runs.create({
      id: randomUUID(), jobId: job.id, deviceId, status: 'queued', exitCode: null, stdout: '', stderr: '',
      stdoutTruncated: false, stderrTruncated: false, error: null, queuedAt: now, dispatchedAt: null, startedAt: null,
      finishedAt: null, leaseExpiresAt: job.expiresAt,
    }));
    await this.store.dataSource.transaction(async (manager) => {
      // updateEntity(false): TypeORM would otherwise read generated values back and, for
      // multi-row inserts, may pair them with the wrong objects (seen: run ids swapped between devices).
      await manager.createQueryBuilder().insert().into(JobEntity).values(job as QueryDeepPartialEntity<JobEntity>).updateEntity(false).execute();
      for (const part of chunks(runs, 200)) {
        await manager.createQueryBuilder().insert().into(RunEntity).values(part as QueryDeepPartialEntity<RunEntity>[]).updateEntity(false).execute();
      }
    });
    // The audit names the job and its size, never the script body (it may hold secrets).
    await this.audit.record({ type: 'token', principal: by }, {
      action: 'job.create', targetType: 'job', targetId: job.id,
      details: { role: job.role, target: input.target, runs: runs.length, timeoutSeconds: job.timeoutSeconds, payloadBytes: JSON.stringify(input.payload).length },
    });
    for (const run of runs) this.reports.remember(run.id, { jobId: job.id, deviceId: run.deviceId });
    this.dispatcher.noteOpenRuns(deviceIds);
    const dispatched = await this.dispatcher.dispatch(runs.map((run) => ({
      id: run.id, jobId: job.id, deviceId: run.deviceId, status: 'queued', role: job.role, payload: job.payload,
      timeoutSeconds: job.timeoutSeconds, cancelled: false,
    })));
    for (const run of runs) if (this.dispatcher.isOnline(run.deviceId)) run.status = 'dispatched';
    this.logger.log({ jobId: job.id, role: job.role, runs: runs.length, dispatched }, 'job created');
    return { job, runs };
  }

  async list(query: { role?: string; limit: number; offset: number }): Promise<{ items: JobEntity[]; total: number; counts: Map<string, Record<string, number>> }> {
    const [items, total] = await this.store.jobs.findAndCount({
      where: query.role ? { role: query.role } : {}, order: { createdAt: 'DESC' }, take: query.limit, skip: query.offset,
    });
    return { items, total, counts: await this.store.countsByStatus(items.map((j) => j.id)) };
  }

  async get(id: string, page: { limit: number; offset: number; output: boolean }): Promise<{ job: JobEntity; counts: Record<string, number>; runs: RunEntity[] }> {
    const job = await this.store.jobs.findOneBy({ id });
    if (!job) throw new NotFoundError('job', id);
    const runs = await this.store.runs.find({
      where: { jobId: id }, order: { queuedAt: 'ASC', id: 'ASC' }, take: page.limit, skip: page.offset,
      select: page.output ? undefined : RUN_SUMMARY_COLUMNS,
    });
    return { job, runs, counts: (await this.store.countsByStatus([id])).get(id) ?? {} };
  }

  async getRun(id: string): Promise<RunEntity> {
    const run = await this.store.runs.findOneBy({ id });
    if (!run) throw new NotFoundError('run', id);
    return run;
  }

  listRuns(query: { jobId?: string; deviceId?: string; status?: string; limit: number; offset: number }): Promise<[RunEntity[], number]> {
    const where: Record<string, unknown> = {};
    if (query.jobId) where.jobId = query.jobId;
    if (query.deviceId) where.deviceId = query.deviceId;
    if (query.status) where.status = query.status;
    return this.store.runs.findAndCount({ where, order: { queuedAt: 'DESC', id: 'ASC' }, take: query.limit, skip: query.offset, select: RUN_SUMMARY_COLUMNS });
  }

  /** Queued and not-yet-started runs end `cancelled` now; running ones are told to stop. */
  async cancel(by: Principal, id: string): Promise<{ cancelled: number; stopping: number }> {
    const job = await this.store.jobs.findOneBy({ id });
    if (!job) throw new NotFoundError('job', id);
    const open = await this.store.runs.find({ where: { jobId: id, status: In(['queued', 'dispatched', 'running']) }, select: { id: true, deviceId: true, status: true } });
    if (job.cancelledAt && open.length === 0) throw new ConflictError('job_finished', 'the job has no run left to cancel');
    const now = this.clock.now();
    await this.store.jobs.update({ id }, { cancelledAt: now });
    const early = open.filter((r) => r.status !== 'running');
    const cancelled = await this.store.transition(early.map((r) => r.id), ['queued', 'dispatched'], {
      status: 'cancelled', finishedAt: now, leaseExpiresAt: null, error: 'cancelled before it started',
    });
    for (const run of early) {
      if (run.status === 'dispatched') this.dispatcher.cancelOnDevice(run.deviceId, run.id);
      this.events.emit('status', { runId: run.id, jobId: id, deviceId: run.deviceId, status: 'cancelled' });
    }
    const running = open.filter((r) => r.status === 'running');
    for (const run of running) this.dispatcher.cancelOnDevice(run.deviceId, run.id);
    await this.audit.record({ type: 'token', principal: by }, {
      action: 'job.cancel', targetType: 'job', targetId: id, details: { cancelled, stopping: running.length },
    });
    return { cancelled, stopping: running.length };
  }
}

/** Everything but the output, which can be megabytes per run. */
const RUN_SUMMARY_COLUMNS: FindOptionsSelect<RunEntity> = {
  id: true, jobId: true, deviceId: true, status: true, exitCode: true, error: true, queuedAt: true, dispatchedAt: true,
  startedAt: true, finishedAt: true, stdoutTruncated: true, stderrTruncated: true,
};

function validatePayload(role: string, payload: unknown): void {
  if (JSON.stringify(payload ?? null).length > MAX_PAYLOAD_BYTES) {
    throw new ValidationError('validation_failed', 'payload is too large', { maxBytes: MAX_PAYLOAD_BYTES });
  }
  if (!SCRIPT_ROLES.has(role)) return;
  const parsed = parseMessage(scriptPayloadSchema, payload);
  if (!parsed.ok) throw new ValidationError('validation_failed', 'script payload is invalid', parsed.details);
}
