/** Messages and settings shared by the fleet parent and its worker processes (IPC contract). */
import type { Ack } from '@borealis/protocol';
import type { BackoffPolicy } from './backoff';
import type { HistogramWire } from './latency-histogram';

/**
 * An ack without payload. The protocol's default `Ack` (`{ok:true} & Record<string, never>`)
 * admits no value at all, so `{ ok: true }` would not type-check against it.
 */
export type PlainAck = Ack<object>;

export interface AgentCredential {
  agentId: string;
  secret: string;
  hostname: string;
}

/** Per-client behaviour; identical for every client of a run. */
export interface ClientSettings {
  serverUrl: string;
  /** Overrides the server-set interval to emulate a bigger fleet with the same sockets. */
  heartbeatMsOverride?: number;
  ackTimeoutMs: number;
  /** Socket.IO connect (handshake) timeout. */
  connectTimeoutMs: number;
  /** Simulated run time of a dispatched job between `run.started` and `run.result`. */
  jobWorkMs: number;
  /** Extra random run time in [0, jobWorkJitterMs), so a fleet's results do not finish in lockstep. */
  jobWorkJitterMs: number;
  /** Reconnect policy; the real agent's by default. A spec about something else may shorten the wait. */
  backoff?: BackoffPolicy;
}

export interface WorkerAssignment {
  workerId: number;
  clients: { credential: AgentCredential; localAddress?: string }[];
  settings: ClientSettings;
  /** Connects per second this worker opens during the ramp. */
  rampPerSecond: number;
  reportMs: number;
}

/** Cumulative counters since the worker started. */
export interface WorkerCounters {
  /** Sockets whose `agent.hello` was acknowledged with `ok: true` and still open. */
  online: number;
  /** Sockets open at the transport level (hello may still be pending). */
  open: number;
  started: number;
  connects: number;
  helloOk: number;
  helloFailed: number;
  heartbeatsSent: number;
  heartbeatsAcked: number;
  heartbeatsRejected: number;
  heartbeatsTimedOut: number;
  disconnects: number;
  reconnects: number;
  connectErrors: number;
  configUpdates: number;
  /** Last server-set heartbeat interval seen in a hello ack or config.update. */
  serverHeartbeatMs: number;
  /** Valid `job.dispatch` messages received, re-dispatches included. */
  jobDispatches: number;
  /** Dispatches of a run id this agent already knew: acked `accepted:false`, not run again. */
  jobDispatchDuplicates: number;
  /** Distinct runs this agent executed. */
  runsStarted: number;
  runStartedAcked: number;
  /** Every `run.result` emit, first sends and resends alike. */
  runResultsSent: number;
  /** Emits of a result that had been sent before (after a reconnect, a refusal or a timeout). */
  runResultsResent: number;
  /** Results the server stored with this send (`{ok:true}`). */
  runResultsAcked: number;
  /** Results the server already had (`{ok:true, duplicate:true}`): a resend whose earlier ack was lost. */
  runResultsDuplicateAcked: number;
  runResultsRefused: number;
  runResultsTimedOut: number;
  /** Results produced and not yet acknowledged (a gauge). */
  runResultsPending: number;
  /** Epoch ms of the last dispatch received; 0 if none. Summed fleet-wide as a maximum. */
  lastDispatchAt: number;
  /** Epoch ms of the last result ack (stored or duplicate); 0 if none. Summed as a maximum. */
  lastResultAckAt: number;
  /** Error reasons (connect_error messages, ack codes, disconnect reasons) and their counts. */
  errors: Record<string, number>;
}

export type ParentToWorker = { type: 'start'; assignment: WorkerAssignment } | { type: 'stop' };

export type WorkerToParent =
  | { type: 'ready' }
  | {
      type: 'stats';
      workerId: number;
      at: number;
      counters: WorkerCounters;
      /** Ack latencies recorded since the previous report. */
      latency: HistogramWire;
      /** Event-loop delay p99 of the worker, so simulator saturation shows next to the figures. */
      loopDelayP99Ms: number;
      final: boolean;
    };

export function emptyCounters(): WorkerCounters {
  return {
    online: 0,
    open: 0,
    started: 0,
    connects: 0,
    helloOk: 0,
    helloFailed: 0,
    heartbeatsSent: 0,
    heartbeatsAcked: 0,
    heartbeatsRejected: 0,
    heartbeatsTimedOut: 0,
    disconnects: 0,
    reconnects: 0,
    connectErrors: 0,
    configUpdates: 0,
    serverHeartbeatMs: 0,
    jobDispatches: 0,
    jobDispatchDuplicates: 0,
    runsStarted: 0,
    runStartedAcked: 0,
    runResultsSent: 0,
    runResultsResent: 0,
    runResultsAcked: 0,
    runResultsDuplicateAcked: 0,
    runResultsRefused: 0,
    runResultsTimedOut: 0,
    runResultsPending: 0,
    lastDispatchAt: 0,
    lastResultAckAt: 0,
    errors: {},
  };
}
