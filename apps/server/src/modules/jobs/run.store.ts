import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { TERMINAL_RUN_STATUSES, type RunStatus } from '@borealis/protocol';
import { JobEntity } from './job.entity';
import { RunEntity } from './run.entity';

/** Rows per statement: well under both engines' bound-parameter limits. */
export const CHUNK = 500;

export function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A run with what dispatching it needs from its job. */
export interface DispatchableRun {
  id: string;
  jobId: string;
  deviceId: string;
  status: RunStatus;
  role: string;
  payload: unknown;
  timeoutSeconds: number;
  cancelled: boolean;
}

/** Batched reads and writes of runs that the services share. */
@Injectable()
export class RunStore {
  constructor(
    @InjectRepository(RunEntity) readonly runs: Repository<RunEntity>,
    @InjectRepository(JobEntity) readonly jobs: Repository<JobEntity>,
    readonly dataSource: DataSource,
  ) {}

  /** Runs a device should have: queued and not yet expired, or dispatched but not started. */
  async pendingForDevice(deviceId: string, now: Date): Promise<DispatchableRun[]> {
    const rows = await this.runs.createQueryBuilder('r')
      .innerJoin(JobEntity, 'j', 'j.id = r.jobId')
      .select(['r.id AS id', 'r.jobId AS "jobId"', 'r.deviceId AS "deviceId"', 'r.status AS status', 'r.leaseExpiresAt AS lease',
        'j.role AS role', 'j.payload AS payload', 'j.timeoutSeconds AS "timeoutSeconds"', 'j.cancelledAt AS "cancelledAt"'])
      .where('r.deviceId = :deviceId', { deviceId })
      .andWhere('r.status IN (:...statuses)', { statuses: ['queued', 'dispatched', 'running'] })
      .orderBy('r.queuedAt', 'ASC')
      .getRawMany<Record<string, unknown>>();
    return rows
      .filter((row) => row.status !== 'queued' || Number(row.lease) > now.getTime())
      .map((row) => ({
        id: String(row.id), jobId: String(row.jobId), deviceId: String(row.deviceId), status: row.status as RunStatus,
        role: String(row.role), payload: JSON.parse(String(row.payload)), timeoutSeconds: Number(row.timeoutSeconds),
        cancelled: row.cancelledAt != null,
      }));
  }

  async devicesWithOpenRuns(): Promise<string[]> {
    const rows = await this.runs.createQueryBuilder('r').select('DISTINCT r.deviceId', 'deviceId')
      .where('r.status IN (:...statuses)', { statuses: NOT_TERMINAL }).getRawMany<{ deviceId: string }>();
    return rows.map((row) => row.deviceId);
  }

  /** Sets fields on the given runs that are still in one of `from`; returns how many changed. */
  async transition(ids: readonly string[], from: readonly RunStatus[], set: Partial<RunEntity>): Promise<number> {
    let changed = 0;
    for (const part of chunks(ids)) {
      const result = await this.runs.createQueryBuilder().update(RunEntity).set(set as never)
        .where({ id: In(part), status: In([...from]) }).execute();
      changed += result.affected ?? 0;
    }
    return changed;
  }

  /** Ids (with job and device) of runs in `statuses` whose lease passed. */
  async leaseExpired(statuses: readonly RunStatus[], now: Date, limit = 5000): Promise<Pick<RunEntity, 'id' | 'jobId' | 'deviceId' | 'status'>[]> {
    return this.runs.createQueryBuilder('r')
      .select(['r.id', 'r.jobId', 'r.deviceId', 'r.status'])
      .where('r.status IN (:...statuses)', { statuses: [...statuses] })
      .andWhere('r.leaseExpiresAt <= :now', { now: now.getTime() })
      .limit(limit)
      .getMany();
  }

  async countsByStatus(jobIds: readonly string[]): Promise<Map<string, Record<string, number>>> {
    const counts = new Map<string, Record<string, number>>();
    if (jobIds.length === 0) return counts;
    const rows = await this.runs.createQueryBuilder('r')
      .select('r.jobId', 'jobId').addSelect('r.status', 'status').addSelect('COUNT(*)', 'n')
      .where({ jobId: In([...jobIds]) }).groupBy('r.jobId').addGroupBy('r.status')
      .getRawMany<{ jobId: string; status: string; n: string | number }>();
    for (const row of rows) {
      const entry = counts.get(row.jobId) ?? {};
      entry[row.status] = Number(row.n);
      counts.set(row.jobId, entry);
    }
    return counts;
  }
}

export const NOT_TERMINAL: RunStatus[] = ['queued', 'dispatched', 'running'];
export const isTerminal = (status: RunStatus): boolean => TERMINAL_RUN_STATUSES.includes(status);
