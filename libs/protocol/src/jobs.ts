import { z } from 'zod';

/**
 * Jobs on the `/agents` namespace. The server dispatches one *run* (one job on one device);
 * the agent journals it on disk, streams output, and sends one final result that it keeps
 * resending until the server acknowledges it. Run ids make every step idempotent.
 */
export const JobEvents = {
  /** server -> agent: start a run. Ack `{ok:true, accepted:true}`, or `{ok:true, accepted:false, status}` for a run id the agent already knows. */
  dispatch: 'job.dispatch',
  /** server -> agent: stop a run (kill its whole process tree). Ack `{ok:true}`. */
  cancel: 'job.cancel',
  /** agent -> server: the run's process started. Acked. */
  started: 'run.started',
  /** agent -> server: a chunk of live output; best effort, not acked (the result carries it all). */
  output: 'run.output',
  /** agent -> server: the final result, from the agent's on-disk outbox. Acked; resent until acked. */
  result: 'run.result',
} as const;

/** Statuses a run can end in on the agent (the server adds queued/dispatched/running/expired). */
export const RUN_OUTCOMES = ['succeeded', 'failed', 'timed_out', 'cancelled'] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

/** Every run status (DESIGN.md). Terminal ones never change again. */
export const RUN_STATUSES = ['queued', 'dispatched', 'running', 'succeeded', 'failed', 'timed_out', 'cancelled', 'expired'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'timed_out', 'cancelled', 'expired'];

/** Output kept per stream; beyond it the text is cut and {@link TRUNCATION_MARKER} appended. */
export const MAX_STREAM_BYTES = 1024 * 1024;
export const TRUNCATION_MARKER = '\n[borealis: output truncated at 1 MiB]\n';
/** An encoded `run.result` never exceeds this (the agent trims output further if JSON escaping inflates it). */
export const MAX_RESULT_FRAME_BYTES = 4 * 1024 * 1024;
/** The server accepts messages up to this size: room for a maximal result frame. */
export const MAX_AGENT_MESSAGE_BYTES = 5_000_000;

const runId = z.string().uuid();

export const shellSchema = z.enum(['bash', 'sh', 'powershell', 'pwsh', 'cmd']);
export type Shell = z.infer<typeof shellSchema>;

/** Payload of the `script_exec_currentuser` and `script_exec_system` roles. */
export const scriptPayloadSchema = z.object({
  script: z.string().min(1).max(256 * 1024),
  shell: shellSchema.optional(),
  args: z.array(z.string().max(4096)).max(64).default([]),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).max(128), z.string().max(32 * 1024)).default({}),
});
export type ScriptPayload = z.infer<typeof scriptPayloadSchema>;

export const jobDispatchSchema = z.object({
  runId,
  jobId: z.string().uuid(),
  role: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
  payload: z.unknown(),
  /** The agent kills the run after this long and reports `timed_out`. */
  timeoutSeconds: z.number().int().min(1).max(86_400),
});
export type JobDispatchMessage = z.infer<typeof jobDispatchSchema>;

export const jobCancelSchema = z.object({ runId });
export type JobCancelMessage = z.infer<typeof jobCancelSchema>;

export const runStartedSchema = z.object({ runId, startedAt: z.number().int().nonnegative() });
export type RunStartedMessage = z.infer<typeof runStartedSchema>;

export const runOutputSchema = z.object({
  runId,
  stream: z.enum(['stdout', 'stderr']),
  /** Per stream, from 0: lets a viewer order chunks and notice gaps. */
  seq: z.number().int().nonnegative(),
  data: z.string().max(256 * 1024),
});
export type RunOutputMessage = z.infer<typeof runOutputSchema>;

export const runResultSchema = z.object({
  runId,
  status: z.enum(RUN_OUTCOMES),
  exitCode: z.number().int().nullable(),
  stdout: z.string().max(MAX_STREAM_BYTES + 1024),
  stderr: z.string().max(MAX_STREAM_BYTES + 1024),
  stdoutTruncated: z.boolean().default(false),
  stderrTruncated: z.boolean().default(false),
  /** Why the run failed without an exit code, e.g. "system context unavailable: ...". */
  error: z.string().max(4000).nullable().default(null),
  startedAt: z.number().int().nonnegative().nullable(),
  finishedAt: z.number().int().nonnegative(),
});
export type RunResultMessage = z.infer<typeof runResultSchema>;
