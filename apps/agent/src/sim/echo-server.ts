/**
 * Bare Socket.IO echo server: the same transport settings as the real server, a handshake
 * that accepts anyone, and constant acks. It is the baseline the heartbeat and fan-out
 * benchmarks divide by (what Socket.IO itself costs), and the peer the simulator's own test
 * runs against. Jobs: see {@link EchoFanout} (`POST /fanout`, `GET /fanout/:id`).
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { AGENTS_NAMESPACE, AgentEvents, type HeartbeatAck, type HelloAck } from '@borealis/protocol';
import type { PlainAck } from './sim-types';
import { EchoFanout } from './echo-fanout';

export interface EchoServerOptions {
  port: number;
  host: string;
  heartbeatIntervalMs: number;
  /** Must match the real server's transport keepalive: pings are a large share of all messages. */
  pingIntervalMs: number;
  pingTimeoutMs: number;
  /** Accept queue, as the real server's `BOREALIS_LISTEN_BACKLOG` (the kernel caps it at somaxconn). */
  listenBacklog: number;
}

export const ECHO_DEFAULTS: EchoServerOptions = {
  port: 0,
  host: '127.0.0.1',
  heartbeatIntervalMs: 30_000,
  pingIntervalMs: 60_000,
  pingTimeoutMs: 30_000,
  listenBacklog: 65_535,
};

export interface RunningEchoServer {
  port: number;
  connected(): number;
  close(): Promise<void>;
}

export async function startEchoServer(partial: Partial<EchoServerOptions> = {}): Promise<RunningEchoServer> {
  const o = { ...ECHO_DEFAULTS, ...partial };
  // The request handler must exist before Socket.IO attaches: it keeps it for non-Socket.IO paths.
  let fanout: EchoFanout | undefined;
  const http: HttpServer = createServer((req, res) => {
    if (fanout?.handle(req, res)) return;
    res.writeHead(404).end();
  });
  const io = new Server(http, {
    transports: ['websocket'],
    perMessageDeflate: false,
    httpCompression: false,
    serveClient: false,
    pingInterval: o.pingIntervalMs,
    pingTimeout: o.pingTimeoutMs,
  });
  const agents = io.of(AGENTS_NAMESPACE);
  fanout = new EchoFanout(agents);
  agents.on('connection', (socket) => {
    const auth = socket.handshake.auth as { agentId?: unknown };
    const deviceId = typeof auth.agentId === 'string' ? auth.agentId : socket.id;
    socket.on(AgentEvents.hello, (_msg: unknown, ack?: (a: HelloAck) => void) => {
      ack?.({ ok: true, deviceId, heartbeatIntervalMs: o.heartbeatIntervalMs, revision: 0, roles: {}, serverTime: Date.now() });
    });
    socket.on(AgentEvents.heartbeat, (_msg: unknown, ack?: (a: HeartbeatAck) => void) => {
      ack?.({ ok: true, serverTime: Date.now() });
    });
    socket.on(AgentEvents.roleState, (_msg: unknown, ack?: (a: PlainAck) => void) => ack?.({ ok: true }));
    fanout?.attach(socket);
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(o.port, o.host, o.listenBacklog, () => resolve());
  });
  return {
    port: (http.address() as AddressInfo).port,
    connected: () => agents.sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        io.close(() => resolve());
      }),
  };
}
