/**
 * The jobs half of one simulated agent: answers `job.dispatch` the way the real agent does for
 * an `echo`-style script. It keeps a journal of run ids (a re-dispatched run is not run again),
 * reports `run.started`, then after the simulated work time `run.result`, and keeps each result
 * until the server acknowledges it, resending after every hello — the durability contract of
 * the real agent's outbox, held in memory because a simulated agent has no restart to survive.
 */
import type { Socket } from 'socket.io-client';
import {
  JobEvents,
  jobDispatchSchema,
  parseMessage,
  type Ack,
  type JobDispatchMessage,
  type RunResultMessage,
  type RunStartedMessage,
  type RunStatus,
} from '@borealis/protocol';
import type { AgentSink } from './sim-agent';
import type { ClientSettings, PlainAck } from './sim-types';
import { simulatedStdout } from './sim-output';

/** What this agent knows about one run; the spec reads it to check what was produced. */
export interface SimRunRecord {
  runId: string;
  jobId: string;
  startedAt: number;
  /** Set when the simulated work is done; from then on it is kept until acknowledged. */
  result: RunResultMessage | null;
  acknowledged: boolean;
  /** Epoch ms of the first acknowledgement; 0 until then. */
  acknowledgedAt: number;
  inFlight: boolean;
  sends: number;
  /** `{ok:true}` answers: the server stored the result with that send. More than one would be a double store. */
  storedAcks: number;
  /** `{ok:true, duplicate:true}` answers: the server already had it (an earlier ack was lost). */
  duplicateAcks: number;
}

type DispatchAck = Ack<{ accepted: boolean; status?: RunStatus }>;
type ResultAck = Ack<{ duplicate?: boolean }>;

/** Like the real agent's outbox: a refused or unanswered result is tried again after this while the link stays up. */
const RESULT_RETRY_MS = 30_000;
/** Refusals that mean the server will never want the result: forgotten as if acknowledged (as the real agent does). */
const UNWANTED = new Set(['run_not_found', 'run_finished']);

export class SimJobs {
  private readonly runs = new Map<string, SimRunRecord>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private online = false;
  private stopped = false;

  constructor(
    private readonly socket: Socket,
    private readonly settings: ClientSettings,
    private readonly sink: Pick<AgentSink, 'counters' | 'error'>,
  ) {
    socket.on(JobEvents.dispatch, (msg: unknown, ack?: (a: DispatchAck) => void) => this.onDispatch(msg, ack));
  }

  /** Every run this agent accepted, by run id. */
  get journal(): ReadonlyMap<string, SimRunRecord> {
    return this.runs;
  }

  /** Right after the hello ack: everything produced and not yet acknowledged goes out again. */
  setOnline(): void {
    this.online = true;
    for (const record of this.runs.values()) this.sendResult(record);
  }

  /**
   * Sends an acknowledged result again as if its ack had been lost: the case a kill -9 between
   * the server's commit and its ack produces only by chance, so specs can make it happen.
   */
  replayAcknowledged(runId: string): boolean {
    const record = this.runs.get(runId);
    if (!record?.result || !record.acknowledged) return false;
    record.acknowledged = false;
    this.sink.counters.runResultsPending++;
    this.sendResult(record);
    return true;
  }

  setOffline(): void {
    this.online = false;
  }

  stop(): void {
    this.stopped = true;
    this.online = false;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private onDispatch(raw: unknown, ack?: (a: DispatchAck) => void): void {
    const parsed = parseMessage(jobDispatchSchema, raw);
    if (!parsed.ok) {
      this.sink.error('job_dispatch:bad_message');
      ack?.(parsed);
      return;
    }
    const c = this.sink.counters;
    c.jobDispatches++;
    c.lastDispatchAt = Date.now();
    const known = this.runs.get(parsed.value.runId);
    if (known) {
      // The server sends again what it has not seen start (its dispatch state is older than ours).
      c.jobDispatchDuplicates++;
      ack?.({ ok: true, accepted: false, status: known.result?.status ?? 'running' });
      this.sendResult(known);
      return;
    }
    ack?.({ ok: true, accepted: true });
    this.run(parsed.value);
  }

  private run(job: JobDispatchMessage): void {
    const c = this.sink.counters;
    const record: SimRunRecord = {
      runId: job.runId, jobId: job.jobId, startedAt: Date.now(), result: null, acknowledged: false, acknowledgedAt: 0,
      inFlight: false, sends: 0, storedAcks: 0, duplicateAcks: 0,
    };
    this.runs.set(job.runId, record);
    c.runsStarted++;
    if (this.online) {
      const started: RunStartedMessage = { runId: job.runId, startedAt: record.startedAt };
      this.socket.timeout(this.settings.ackTimeoutMs).emit(JobEvents.started, started, (err: Error | null, a?: PlainAck) => {
        // Not retried: the result carries startedAt, and the server accepts a result without a start.
        if (err) this.sink.error('run_started:no_ack');
        else if (a?.ok) c.runStartedAcked++;
        else this.sink.error(`run_started:${a ? a.code : 'no_ack'}`);
      });
    }
    const workMs = this.settings.jobWorkMs + Math.random() * this.settings.jobWorkJitterMs;
    this.later(workMs, () => {
      record.result = {
        runId: job.runId, status: 'succeeded', exitCode: 0, stdout: simulatedStdout(job.payload), stderr: '',
        stdoutTruncated: false, stderrTruncated: false, error: null, startedAt: record.startedAt, finishedAt: Date.now(),
      };
      c.runResultsPending++;
      this.sendResult(record);
    });
  }

  /** Sends a finished, unacknowledged result unless one send of it is already waiting for its ack. */
  private sendResult(record: SimRunRecord): void {
    if (!this.online || this.stopped || !record.result || record.acknowledged || record.inFlight) return;
    const c = this.sink.counters;
    record.inFlight = true;
    record.sends++;
    c.runResultsSent++;
    if (record.sends > 1) c.runResultsResent++;
    this.socket.timeout(this.settings.ackTimeoutMs).emit(JobEvents.result, record.result, (err: Error | null, ack?: ResultAck) => {
      record.inFlight = false;
      if (err) {
        // A disconnect fails the ack at once; the next hello resends. A real timeout waits like the real agent.
        const timedOut = err.message.includes('timed out');
        if (timedOut) c.runResultsTimedOut++;
        this.sink.error(timedOut ? 'run_result:timeout' : 'run_result:lost_on_disconnect');
        if (this.online) this.later(timedOut ? RESULT_RETRY_MS : 0, () => this.sendResult(record));
        return;
      }
      if (ack?.ok) {
        if (ack.duplicate) {
          record.duplicateAcks++;
          c.runResultsDuplicateAcked++;
        } else {
          record.storedAcks++;
          c.runResultsAcked++;
        }
        this.acknowledge(record);
        return;
      }
      c.runResultsRefused++;
      this.sink.error(`run_result:${ack ? ack.code : 'no_ack'}`);
      if (ack && UNWANTED.has(ack.code)) this.acknowledge(record);
      else this.later(RESULT_RETRY_MS, () => this.sendResult(record));
    });
  }

  private acknowledge(record: SimRunRecord): void {
    if (record.acknowledged) return;
    record.acknowledged = true;
    record.acknowledgedAt ||= Date.now();
    this.sink.counters.runResultsPending--;
    this.sink.counters.lastResultAckAt = Date.now();
  }

  private later(ms: number, work: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) work();
    }, ms);
    this.timers.add(timer);
  }
}
