import pino from 'pino';
import type { RoleAck, RoleAgentInfo, RoleContext, RoleEventHandler } from './role-context';

export interface RecordedEmit {
  event: string;
  payload: unknown;
}

export interface FakeRoleContextOptions {
  name?: string;
  agent?: Partial<RoleAgentInfo>;
  /** What the fake server answers to `emit`; `{ok:true}` by default. */
  respond?: (event: string, payload: unknown) => RoleAck | Promise<RoleAck>;
}

/** A context for role unit tests that records what the role does, like Telegraf's accumulator. */
export interface FakeRoleContext {
  context: RoleContext;
  /** Every `context.emit` call, in order. */
  emits: RecordedEmit[];
  /** Parsed JSON log lines the role wrote through `context.logger`. */
  logs: Record<string, unknown>[];
  /** Handlers the role registered with `context.on`. */
  handlers: Map<string, RoleEventHandler>;
  /** Plays the server sending `event`; rejects if the role did not subscribe to it. */
  deliver(event: string, payload: unknown): Promise<RoleAck>;
  /** Aborts `context.signal`, as the host does when it stops the role. */
  abort(): void;
  /** Emits of one event name, payloads only. */
  emitted(event: string): unknown[];
}

export function createFakeRoleContext(options: FakeRoleContextOptions = {}): FakeRoleContext {
  const name = options.name ?? 'test_role';
  const emits: RecordedEmit[] = [];
  const logs: Record<string, unknown>[] = [];
  const handlers = new Map<string, RoleEventHandler>();
  const controller = new AbortController();
  const respond = options.respond ?? (() => ({ ok: true }) as RoleAck);
  const logger = pino(
    { level: 'trace', base: { role: name } },
    { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) },
  );
  const context: RoleContext = {
    name,
    logger,
    agent: Object.freeze({ id: 'agent-test', home: '/tmp/borealis-test-home', version: '0.0.0-test', os: 'linux', selfCommand: [process.execPath], ...options.agent }),
    signal: controller.signal,
    emit: async (event, payload) => {
      emits.push({ event, payload });
      return respond(event, payload);
    },
    on: (event, handler) => {
      if (handlers.has(event)) throw new Error(`event "${event}" already has a handler`);
      handlers.set(event, handler);
    },
  };
  return {
    context,
    emits,
    logs,
    handlers,
    abort: () => controller.abort(),
    emitted: (event) => emits.filter((e) => e.event === event).map((e) => e.payload),
    deliver: async (event, payload) => {
      const handler = handlers.get(event);
      if (!handler) throw new Error(`role "${name}" has no handler for "${event}"`);
      return handler(payload);
    },
  };
}
