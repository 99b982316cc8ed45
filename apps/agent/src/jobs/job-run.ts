import type { Logger } from 'pino';
import type { JobDispatchMessage, RunOutcome, RunOutputMessage, RunResultMessage } from '@borealis/protocol';
import type { RoleJob, RoleJobAbortReason, RoleJobOutcome } from '@borealis/roles';
import type { RoleJobTarget } from '../roles/hosted-role';
import { errorText } from '../roles/with-timeout';
import type { Timers } from '../timers';
import { OutputForwarder } from './output-forwarder';
import { fitResultFrame, MAX_RESULT_FRAME_BYTES } from './result-frame';
import { clipError } from './run-record';
import { StreamCapture } from './stream-capture';

export interface JobRunOptions {
  dispatch: JobDispatchMessage;
  target: RoleJobTarget;
  timers: Timers;
  logger: Logger;
  /** The role said the work really started (called once). */
  onStarted: (startedAt: number) => void;
  /** Live output chunk; best effort. */
  sendOutput: (message: RunOutputMessage) => void;
  outputFlushMs?: number;
  /** How long a role may take to wind down after an abort before the run is finished without it. */
  abortGraceMs?: number;
  /** Budget for the encoded result (see {@link MAX_RESULT_FRAME_BYTES}). */
  maxResultFrameBytes?: number;
}

const ABANDONED = Symbol('abandoned');

/**
 * One execution of `role.runJob`: the AbortController (timeout, cancel, stop), output capture
 * and live forwarding, and the mapping of how it ended to a `run.result`. Knows nothing of disk.
 */
export class JobRun {
  readonly runId: string;
  private readonly controller = new AbortController();
  private readonly streams = { stdout: new StreamCapture(), stderr: new StreamCapture() };
  private readonly forwarder: OutputForwarder;
  private startedAt: number | null = null;
  private finished = false;
  private stoppingError = 'agent stopped during the run';
  private giveUp: (() => void) | undefined;
  private graceTimer: unknown;

  constructor(private readonly options: JobRunOptions) {
    this.runId = options.dispatch.runId;
    this.forwarder = new OutputForwarder({
      runId: this.runId,
      send: options.sendOutput,
      timers: options.timers,
      ...(options.outputFlushMs !== undefined ? { flushMs: options.outputFlushMs } : {}),
    });
  }

  /** First reason wins: a run cancelled and then timed out stays cancelled. */
  abort(reason: RoleJobAbortReason, stoppingError?: string): void {
    if (this.finished || this.controller.signal.aborted) return;
    if (stoppingError) this.stoppingError = stoppingError;
    this.options.logger.info({ reason }, 'aborting run');
    this.controller.abort(reason);
    // A role that ignores its signal must not keep the run (and its result) hostage forever.
    this.graceTimer = this.options.timers.setTimeout(() => {
      this.options.logger.warn({ reason, graceMs: this.options.abortGraceMs ?? 5_000 }, 'role did not end the run after abort; finishing without it');
      this.abandon();
    }, this.options.abortGraceMs ?? 5_000);
  }

  /** Finishes at once without waiting for the role (it ignored the abort, or the agent ran out of time). */
  abandon(): void {
    this.giveUp?.();
  }

  async execute(): Promise<RunResultMessage> {
    const { dispatch, target, timers } = this.options;
    const timeout = timers.setTimeout(() => this.abort('timed_out'), dispatch.timeoutSeconds * 1000);
    const onRoleStopped = (): void => this.abort('stopping', `role ${dispatch.role} stopped during the run`);
    target.signal.addEventListener('abort', onRoleStopped, { once: true });
    if (target.signal.aborted) onRoleStopped();
    const abandoned = new Promise<typeof ABANDONED>((resolve) => {
      this.giveUp = () => resolve(ABANDONED);
    });
    let outcome: RoleJobOutcome | typeof ABANDONED | undefined;
    let thrown: string | undefined;
    try {
      // `then` turns a synchronous throw in runJob into a rejection like any other.
      outcome = await Promise.race([Promise.resolve().then(() => target.runJob(this.job())), abandoned]);
    } catch (err) {
      thrown = errorText(err);
    } finally {
      this.finished = true;
      timers.clearTimeout(timeout);
      if (this.graceTimer !== undefined) timers.clearTimeout(this.graceTimer);
      target.signal.removeEventListener('abort', onRoleStopped);
      this.forwarder.close();
    }
    return this.result(outcome === ABANDONED ? undefined : outcome, thrown);
  }

  private job(): RoleJob {
    const { dispatch, timers } = this.options;
    return Object.freeze({
      runId: dispatch.runId,
      jobId: dispatch.jobId,
      payload: dispatch.payload,
      timeoutMs: dispatch.timeoutSeconds * 1000,
      signal: this.controller.signal,
      started: () => {
        if (this.startedAt !== null || this.finished) return;
        this.startedAt = timers.now();
        this.options.onStarted(this.startedAt);
      },
      output: (stream: 'stdout' | 'stderr', data: string) => {
        if (this.finished || typeof data !== 'string' || (stream !== 'stdout' && stream !== 'stderr')) return;
        const forwarded = this.streams[stream].append(data);
        if (forwarded) this.forwarder.push(stream, forwarded);
      },
    });
  }

  private result(outcome: RoleJobOutcome | undefined, thrown: string | undefined): RunResultMessage {
    const reason = this.controller.signal.aborted ? (this.controller.signal.reason as RoleJobAbortReason) : undefined;
    const rawExit = outcome && typeof outcome === 'object' ? outcome.exitCode : null;
    const exitCode = Number.isInteger(rawExit) ? (rawExit as number) : null;
    const roleError = outcome && typeof outcome === 'object' && typeof outcome.error === 'string' && outcome.error !== '' ? outcome.error : undefined;
    let status: RunOutcome = 'failed';
    let error: string | null = null;
    // The abort reason decides first: a killed process's exit code or error only echoes the kill.
    if (reason === 'timed_out') {
      status = 'timed_out';
      error = `timed out after ${this.options.dispatch.timeoutSeconds} s`;
    } else if (reason === 'cancelled') {
      status = 'cancelled';
      error = 'cancelled';
    } else if (reason === 'stopping') {
      error = this.stoppingError;
    } else if (thrown !== undefined) {
      error = thrown;
    } else if (!outcome || typeof outcome !== 'object') {
      error = 'role returned no outcome';
    } else if (roleError !== undefined) {
      error = roleError;
    } else if (exitCode === 0) {
      status = 'succeeded';
    }
    const finishedAt = this.options.timers.now();
    this.options.logger.info({ status, exitCode, error, ms: this.startedAt === null ? null : finishedAt - this.startedAt }, 'run finished');
    return fitResultFrame({
      runId: this.runId,
      status,
      exitCode,
      stdout: this.streams.stdout.text(),
      stderr: this.streams.stderr.text(),
      stdoutTruncated: this.streams.stdout.truncated,
      stderrTruncated: this.streams.stderr.truncated,
      error: error === null ? null : clipError(error),
      startedAt: this.startedAt,
      finishedAt,
    }, this.options.maxResultFrameBytes ?? MAX_RESULT_FRAME_BYTES);
  }
}
