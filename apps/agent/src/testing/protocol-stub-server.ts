/**
 * A minimal stand-in for the control plane, for agent tests only: the `/agents` Socket.IO
 * namespace and `POST /api/agents/enroll`, playing the server side of libs/protocol with knobs
 * to misbehave (stop acking heartbeats or results, forget an agent, restart). Jobs: it sends
 * `job.dispatch`/`job.cancel` on request and records `run.*` messages; it keeps no run state. The real server's e2e
 * tests live with the server; this stub keeps the agent's tests fast and self-contained.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import {
  AGENTS_NAMESPACE, AgentEvents, ENROLL_PATH, JobEvents, PROTOCOL_VERSION, ServerEvents, heartbeatSchema, helloSchema,
  parseMessage, roleStateSchema, runOutputSchema, runResultSchema, runStartedSchema, type ConfigUpdateMessage,
  type HeartbeatMessage, type HelloMessage, type JobDispatchMessage, type RoleStateMessage, type RunOutputMessage,
  type RunResultMessage, type RunStartedMessage,
} from '@borealis/protocol';

export interface StubRecord<T> {
  agentId: string;
  message: T;
  at: number;
}

export class ProtocolStubServer {
  /** agentId -> secret of agents the stub accepts. */
  readonly agents = new Map<string, string>();
  readonly enrollmentTokens = new Set<string>();
  readonly hellos: StubRecord<HelloMessage>[] = [];
  readonly heartbeats: StubRecord<HeartbeatMessage>[] = [];
  readonly roleStates: StubRecord<RoleStateMessage>[] = [];
  readonly enrollRequests: unknown[] = [];
  /** `connect_error` reasons the stub answered with. */
  readonly refusals: string[] = [];
  /** Disconnect reasons seen by the stub (client side closing shows as `client namespace disconnect`). */
  readonly disconnects: string[] = [];
  /** Set to false to simulate a half-open link: heartbeats arrive but are never acked. */
  ackHeartbeats = true;
  /** When set, heartbeats are answered with this instead of `{ok:true, serverTime}`. */
  heartbeatAck: unknown = undefined;
  config: ConfigUpdateMessage = { revision: 1, heartbeatIntervalMs: 200, roles: {} };
  readonly runStarts: StubRecord<RunStartedMessage>[] = [];
  readonly runOutputs: StubRecord<RunOutputMessage>[] = [];
  readonly runResults: StubRecord<RunResultMessage>[] = [];
  /** Agent messages that failed the protocol schema (a correct agent sends none). */
  readonly badMessages: { event: string; details: unknown }[] = [];
  /** How `run.result` is answered; return undefined to leave it unanswered (the agent's ack times out). */
  resultAck: (result: RunResultMessage) => unknown = () => ({ ok: true });
  /** Runs right after the hello ack is sent, as the real server dispatches queued runs then. */
  afterHello: ((socket: Socket) => void) | undefined;
  private http: HttpServer | undefined;
  private io: Server | undefined;
  private portValue = 0;
  private nextAgent = 1;

  get port(): number {
    return this.portValue;
  }

  get url(): string {
    return `http://127.0.0.1:${this.portValue}`;
  }

  /** Connected agent sockets (after the handshake). */
  sockets(): Socket[] {
    return this.io ? [...this.io.of(AGENTS_NAMESPACE).sockets.values()] : [];
  }

  /** Registers credentials as if the agent had enrolled earlier. */
  addAgent(agentId: string, secret: string): void {
    this.agents.set(agentId, secret);
  }

  async start(port = this.portValue): Promise<void> {
    const http = createServer((req, res) => void this.onHttp(req, res));
    const io = new Server(http, {
      transports: ['websocket'], perMessageDeflate: false, httpCompression: false, serveClient: false,
      // A run.result may carry 2 x 1 MiB of output; the agent keeps a frame under 4 MiB (jobs/result-frame.ts).
      maxHttpBufferSize: 5_000_000,
    });
    const agents = io.of(AGENTS_NAMESPACE);
    agents.use((socket, next) => {
      const auth = (socket.handshake.auth ?? {}) as Record<string, unknown>;
      const reason = auth.protocolVersion !== PROTOCOL_VERSION ? 'protocol_mismatch'
        : typeof auth.agentId !== 'string' || this.agents.get(auth.agentId) !== auth.secret ? 'unauthorized' : undefined;
      if (reason) {
        this.refusals.push(reason);
        return next(new Error(reason));
      }
      socket.data = { agentId: auth.agentId };
      next();
    });
    agents.on('connection', (socket) => this.onConnection(socket));
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, '127.0.0.1', () => resolve());
    });
    this.http = http;
    this.io = io;
    this.portValue = (http.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const { io, http } = this;
    this.io = undefined;
    this.http = undefined;
    if (!io || !http) return;
    http.closeAllConnections();
    await io.close();
  }

  /** Same port again, as after a server process restart. */
  async restart(downMs = 0): Promise<void> {
    await this.stop();
    if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
    await this.start(this.portValue);
  }

  /** Sends `config.update` (default: the stub's current config) to every agent; resolves with their acks. */
  async sendConfig(update: unknown = this.config, timeoutMs = 2_000): Promise<unknown[]> {
    return Promise.all(this.sockets().map((s) => s.timeout(timeoutMs).emitWithAck(ServerEvents.configUpdate, update)));
  }

  /** Sends any server event with an ack to every agent. */
  async send(event: string, payload: unknown, timeoutMs = 2_000): Promise<unknown[]> {
    return Promise.all(this.sockets().map((s) => s.timeout(timeoutMs).emitWithAck(event, payload)));
  }

  /** Sends `job.dispatch` (fresh run and job ids unless given) to every agent; resolves with the acks and the message sent. */
  async dispatchJob(job: Partial<JobDispatchMessage> & { role: string }, timeoutMs = 2_000): Promise<{ message: JobDispatchMessage; acks: unknown[] }> {
    const message: JobDispatchMessage = { runId: randomUUID(), jobId: randomUUID(), payload: {}, timeoutSeconds: 60, ...job };
    return { message, acks: await this.send(JobEvents.dispatch, message, timeoutMs) };
  }

  resultsOf(runId: string): RunResultMessage[] {
    return this.runResults.filter((r) => r.message.runId === runId).map((r) => r.message);
  }

  outputOf(runId: string, stream: RunOutputMessage['stream'] = 'stdout'): RunOutputMessage[] {
    return this.runOutputs.filter((r) => r.message.runId === runId && r.message.stream === stream).map((r) => r.message);
  }

  private onJobEvents(socket: Socket, record: <T>(list: StubRecord<T>[], message: T) => void): void {
    const bad = (event: string, details: unknown): void => void this.badMessages.push({ event, details });
    socket.on(JobEvents.started, (payload: unknown, ack?: (a: unknown) => void) => {
      const parsed = parseMessage(runStartedSchema, payload);
      if (!parsed.ok) {
        bad(JobEvents.started, parsed.details);
        return ack?.(parsed);
      }
      record(this.runStarts, parsed.value);
      ack?.({ ok: true });
    });
    socket.on(JobEvents.output, (payload: unknown) => {
      const parsed = parseMessage(runOutputSchema, payload);
      if (!parsed.ok) return bad(JobEvents.output, parsed.details);
      record(this.runOutputs, parsed.value);
    });
    socket.on(JobEvents.result, (payload: unknown, ack?: (a: unknown) => void) => {
      const parsed = parseMessage(runResultSchema, payload);
      if (!parsed.ok) {
        bad(JobEvents.result, parsed.details);
        return ack?.(parsed);
      }
      record(this.runResults, parsed.value);
      const answer = this.resultAck(parsed.value);
      if (answer !== undefined) ack?.(answer);
    });
  }

  private onConnection(socket: Socket): void {
    const agentId = (socket.data as { agentId: string }).agentId;
    const record = <T>(list: StubRecord<T>[], message: T): void => void list.push({ agentId, message, at: Date.now() });
    socket.on(AgentEvents.hello, (payload: unknown, ack?: (a: unknown) => void) => {
      const parsed = parseMessage(helloSchema, payload);
      if (!parsed.ok) return ack?.(parsed);
      record(this.hellos, parsed.value);
      ack?.({ ok: true, deviceId: `device-${agentId}`, serverTime: Date.now(), ...this.config });
      this.afterHello?.(socket);
    });
    socket.on(AgentEvents.heartbeat, (payload: unknown, ack?: (a: unknown) => void) => {
      const parsed = parseMessage(heartbeatSchema, payload);
      if (!parsed.ok) return ack?.(parsed);
      record(this.heartbeats, parsed.value);
      if (this.ackHeartbeats) ack?.(this.heartbeatAck ?? { ok: true, serverTime: Date.now() });
    });
    socket.on(AgentEvents.roleState, (payload: unknown, ack?: (a: unknown) => void) => {
      const parsed = parseMessage(roleStateSchema, payload);
      if (!parsed.ok) return ack?.(parsed);
      record(this.roleStates, parsed.value);
      ack?.({ ok: true });
    });
    this.onJobEvents(socket, record);
    socket.on('disconnect', (reason) => void this.disconnects.push(reason));
  }

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== ENROLL_PATH) return reply(404, { code: 'not_found', message: 'not found' });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: { enrollmentToken?: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { enrollmentToken?: unknown };
    } catch {
      return reply(400, { code: 'bad_request', message: 'invalid JSON' });
    }
    this.enrollRequests.push(body);
    if (typeof body.enrollmentToken !== 'string' || !this.enrollmentTokens.has(body.enrollmentToken)) {
      return reply(401, { code: 'enrollment_token_invalid', message: 'unknown enrollment token', details: {} });
    }
    const agentId = `agent-${this.nextAgent++}`;
    const secret = randomBytes(24).toString('base64url');
    this.agents.set(agentId, secret);
    reply(201, { agentId, secret });
  }
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes (then throws with `what`). */
export async function eventually<T>(what: string, check: () => T | undefined | false, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
