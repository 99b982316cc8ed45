import { io, type Socket } from 'socket.io-client';
import { AGENTS_NAMESPACE, PROTOCOL_VERSION } from '@borealis/protocol';

/** A bare protocol client (not the agent) to probe the server with exact, also malformed, messages. */
export function connectRawAgent(url: string, auth: Record<string, unknown> | undefined): Socket {
  return io(`${url}${AGENTS_NAMESPACE}`, { transports: ['websocket'], reconnection: false, auth, forceNew: true });
}

/** Resolves on connect, rejects with the server's refusal message on connect_error. */
export function connected(socket: Socket, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('connect timed out')), timeoutMs);
    socket.once('connect', () => { clearTimeout(timer); resolve(); });
    socket.once('connect_error', (error) => { clearTimeout(timer); reject(error); });
  });
}

export async function enrollRaw(url: string, enrollmentToken: string, hostname = 'raw-client'): Promise<{ agentId: string; secret: string }> {
  const response = await fetch(`${url}/api/agents/enroll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ enrollmentToken, hostname, os: 'linux', arch: 'x64' }),
  });
  if (response.status !== 201) throw new Error(`enroll failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { agentId: string; secret: string };
}

export const validHello = (hostname = 'raw-client') => ({
  hostname, os: 'linux', osVersion: '6.1', arch: 'x64', agentVersion: 'test', protocolVersion: PROTOCOL_VERSION,
  roles: [{ name: 'heartbeat_metrics', contexts: ['interactive', 'system'] }],
});

export { PROTOCOL_VERSION };

/** `agent.hello` announcing these roles (e.g. `screenshot`, `macro`) so the server routes their requests. */
export const helloWithRoles = (hostname: string, roles: string[]) => ({
  ...validHello(hostname),
  roles: roles.map((name) => ({ name, contexts: ['interactive'] })),
});

/** A bare client playing an agent: enrolled, connected, hello sent; records every event the server sends it. */
export interface RawAgent {
  socket: Socket;
  id: string;
  /** Every server -> agent event in arrival order (its ack callback, if any, is not recorded). */
  received: { event: string; payload: unknown }[];
  eventsNamed(event: string): unknown[];
}

export async function connectRawAgentWithRoles(url: string, enrollmentToken: string, hostname: string, roles: string[]): Promise<RawAgent> {
  const creds = await enrollRaw(url, enrollmentToken, hostname);
  const socket = connectRawAgent(url, { ...creds, protocolVersion: PROTOCOL_VERSION });
  const received: RawAgent['received'] = [];
  socket.onAny((event: string, payload: unknown) => received.push({ event, payload }));
  await connected(socket);
  const ack = await socket.emitWithAck('agent.hello', helloWithRoles(hostname, roles));
  if (ack?.ok !== true) throw new Error(`hello refused: ${JSON.stringify(ack)}`);
  return { socket, id: creds.agentId, received, eventsNamed: (event) => received.filter((r) => r.event === event).map((r) => r.payload) };
}

/** A `/ui` client authenticated with an API token. */
export function connectUi(url: string, token: string): Socket {
  return io(`${url}/ui`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token } });
}
