/**
 * Event names on the `/agents` Socket.IO namespace. Names read `noun.verb`.
 * Every agent->server event is acknowledged with an {@link Ack}.
 */
export const PROTOCOL_VERSION = 1;

export const AgentEvents = {
  /** agent -> server, first message after connect: identity, OS, roles. */
  hello: 'agent.hello',
  /** agent -> server, every `heartbeatIntervalMs`: light metrics. */
  heartbeat: 'agent.heartbeat',
  /** agent -> server: the state of each role after a config change or a failure. */
  roleState: 'role.state',
} as const;

export const ServerEvents = {
  /** server -> agent: new per-role config and/or heartbeat interval, applied live. */
  configUpdate: 'config.update',
  /**
   * Sent to the older link just before the server closes it because the same agent connected
   * again. An agent receiving it should back off at the cap instead of reconnecting at once,
   * so two copies running with one identity do not take turns kicking each other out.
   */
  sessionReplaced: 'session.replaced',
} as const;

/** Events on the `/ui` namespace, pushed to operators and integrators. */
export const UiEvents = {
  deviceOnline: 'device.online',
  deviceOffline: 'device.offline',
  deviceUpdated: 'device.updated',
  /** client -> server `{jobId}` (scope jobs:read), acked: receive that job's run events. */
  jobSubscribe: 'job.subscribe',
  jobUnsubscribe: 'job.unsubscribe',
  /** `{runId, jobId, deviceId, status, exitCode?, error?}` to the job's subscribers. */
  runStatus: 'run.status',
  /** `{runId, jobId, deviceId, stream, seq, data}`: live output chunks to the job's subscribers. */
  runOutput: 'run.output',
} as const;

/** Reasons the server gives when it refuses or ends an agent connection (socket.io `connect_error` message). */
export const HandshakeErrors = {
  unauthorized: 'unauthorized',
  protocolMismatch: 'protocol_mismatch',
  /** A newer connection of the same agent took over; the old one must not reconnect in a loop. */
  replaced: 'replaced',
} as const;

/** Socket.IO `auth` payload an agent sends on connect. */
export interface AgentHandshakeAuth {
  agentId: string;
  secret: string;
  protocolVersion: number;
}

/** Socket.IO `auth` payload a `/ui` client sends on connect. */
export interface UiHandshakeAuth {
  token: string;
}
