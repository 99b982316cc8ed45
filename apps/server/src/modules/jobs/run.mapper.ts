import type { JobEntity } from './job.entity';
import type { RunEntity } from './run.entity';
import type { JobDto, RunDto, RunSummaryDto } from './dto/job.dto';

const iso = (date: Date | null | undefined): string | null => date?.toISOString() ?? null;

export function toRunDto(run: RunEntity): RunSummaryDto & Partial<RunDto> {
  return {
    id: run.id, jobId: run.jobId, deviceId: run.deviceId, status: run.status, exitCode: run.exitCode, error: run.error,
    queuedAt: run.queuedAt.toISOString(), dispatchedAt: iso(run.dispatchedAt), startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    durationMs: run.startedAt && run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null,
    ...(run.stdout !== undefined ? { stdout: run.stdout, stderr: run.stderr } : {}),
    ...(run.stdoutTruncated !== undefined ? { stdoutTruncated: run.stdoutTruncated, stderrTruncated: run.stderrTruncated } : {}),
  };
}

export function toJobDto(job: JobEntity, counts: Record<string, number>): JobDto {
  return {
    id: job.id, role: job.role, target: job.target, timeoutSeconds: job.timeoutSeconds, expiresAt: job.expiresAt.toISOString(),
    createdAt: job.createdAt.toISOString(), createdBy: job.createdBy, cancelledAt: iso(job.cancelledAt), runCount: job.runCount,
    counts,
  };
}
