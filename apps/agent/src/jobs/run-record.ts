import {
  RUN_OUTCOMES, runResultSchema, type RunResultMessage, type RunStatus,
} from '@borealis/protocol';

/** Where a run is in its life on this agent; `finished` means its result waits in the outbox. */
export type RunState = 'accepted' | 'running' | 'finished';

/** One run as journaled in `<home>/outbox/<runId>.json`. Treated as immutable: every change writes a new object. */
export interface RunRecord {
  version: 1;
  runId: string;
  jobId: string;
  role: string;
  timeoutSeconds: number;
  state: RunState;
  acceptedAt: number;
  startedAt: number | null;
  /** Set when `state` is `finished`: exactly what is sent as `run.result`. */
  result: RunResultMessage | null;
}

/** The protocol's `error` field is capped at 4000 characters. */
const MAX_ERROR_CHARS = 4000;

/** What a duplicate `job.dispatch` is told (`{accepted:false, status}`), in the server's vocabulary. */
export function runStatusOf(record: RunRecord): RunStatus {
  if (record.state === 'finished' && record.result) return record.result.status;
  return record.state === 'running' ? 'running' : 'dispatched';
}

/** A result for a run that ended without the role reporting an exit code. */
export function failedResult(runId: string, error: string, startedAt: number | null, finishedAt: number): RunResultMessage {
  return {
    runId,
    status: 'failed',
    exitCode: null,
    stdout: '',
    stderr: '',
    stdoutTruncated: false,
    stderrTruncated: false,
    error: clipError(error),
    startedAt,
    finishedAt,
  };
}

export function clipError(error: string): string {
  return error.length > MAX_ERROR_CHARS ? error.slice(0, MAX_ERROR_CHARS) : error;
}

/** Validates a journal file's content; throws with a reason when it is not a run record. */
export function parseRunRecord(value: unknown): RunRecord {
  const r = (value ?? {}) as Partial<Record<keyof RunRecord, unknown>>;
  const problem = (what: string): never => {
    throw new Error(`not a run record: ${what}`);
  };
  if (r.version !== 1) problem('version');
  if (typeof r.runId !== 'string' || typeof r.jobId !== 'string' || typeof r.role !== 'string') problem('ids');
  if (r.state !== 'accepted' && r.state !== 'running' && r.state !== 'finished') problem('state');
  if (typeof r.timeoutSeconds !== 'number' || typeof r.acceptedAt !== 'number') problem('timing');
  if (r.startedAt !== null && typeof r.startedAt !== 'number') problem('startedAt');
  let result: RunResultMessage | null = null;
  if (r.state === 'finished') {
    const parsed = runResultSchema.safeParse(r.result);
    if (!parsed.success || !RUN_OUTCOMES.includes(parsed.data.status)) problem('result');
    result = parsed.data!;
  }
  return {
    version: 1,
    runId: r.runId as string,
    jobId: r.jobId as string,
    role: r.role as string,
    timeoutSeconds: r.timeoutSeconds as number,
    state: r.state as RunState,
    acceptedAt: r.acceptedAt as number,
    startedAt: r.startedAt as number | null,
    result,
  };
}
