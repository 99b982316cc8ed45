import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import type { RoleConfig } from '@borealis/protocol';
import { RoleRegistry, type RoleAck, type RoleContext, type RoleInstance } from '@borealis/roles';
import { RoleHost, type RoleStateEntry } from './role-host';

/** Test roles, registered into a private registry so the real one stays untouched. */
function buildRegistry() {
  const registry = new RoleRegistry();
  const log: string[] = [];
  const contexts: RoleContext[] = [];

  class CounterRole implements RoleInstance {
    private step = 1;
    private count = 0;
    constructor(private readonly context: RoleContext) {
      contexts.push(context);
      log.push('counter:new');
    }
    registerEvents(): void {
      this.context.on('counter.bump', async (payload) => {
        this.count += Number((payload as { by?: number }).by ?? this.step);
        return { ok: true, count: this.count };
      });
      this.context.on('counter.crash', () => {
        throw new Error('handler boom');
      });
    }
    onConfig(config: RoleConfig): void {
      log.push(`counter:config:${JSON.stringify(config)}`);
      this.step = typeof config.step === 'number' ? config.step : 1;
    }
    stopAll(): void {
      log.push('counter:stop');
    }
    collectMetrics(): Record<string, number> {
      return { counterValue: this.count, counterStep: this.step, 'bad name!': 1, notFinite: Number.NaN };
    }
  }

  class FragileRole implements RoleInstance {
    private explodeOnMetrics = false;
    async onConfig(config: RoleConfig): Promise<void> {
      if (config.explode === true) throw new Error('bad config');
      if (config.hang === true) await new Promise(() => undefined);
      this.explodeOnMetrics = config.explodeOnMetrics === true;
    }
    collectMetrics(): Record<string, number> {
      if (this.explodeOnMetrics) throw new Error('metrics boom');
      return { fragileOk: 1 };
    }
  }

  class GreedyRole implements RoleInstance {
    constructor(private readonly context: RoleContext) {}
    registerEvents(): void {
      this.context.on('config.update', () => ({ ok: true }));
    }
  }

  registry.register({ name: 'counter', contexts: ['system'] }, CounterRole);
  registry.register({ name: 'fragile', contexts: ['interactive'] }, FragileRole);
  registry.register({ name: 'greedy', contexts: ['system'] }, GreedyRole);
  return { registry, log, contexts };
}

function buildHost(onStateChange?: (s: RoleStateEntry[]) => void) {
  const built = buildRegistry();
  const emitted: { event: string; payload: unknown }[] = [];
  const host = new RoleHost({
    registry: built.registry,
    logger: pino({ level: 'silent' }),
    agent: () => ({ id: 'agent-1', home: '/tmp/h', version: '1.0.0', os: 'linux', selfCommand: [process.execPath] }),
    emit: async (event, payload): Promise<RoleAck> => {
      emitted.push({ event, payload });
      return { ok: true };
    },
    reservedEvents: ['config.update'],
    hookTimeoutMs: 200,
    ...(onStateChange ? { onStateChange } : {}),
  });
  return { host, emitted, ...built };
}

const statusOf = (states: RoleStateEntry[]) => Object.fromEntries(states.map((s) => [s.name, s.status]));

describe('RoleHost', () => {
  it('starts enabled-by-default roles, passes their config and reports the revision', async () => {
    const { host, log } = buildHost();
    const states = await host.applyConfig(3, { counter: { step: 5 }, fragile: {} });
    assert.deepEqual(statusOf(states), { counter: 'running', fragile: 'running', greedy: 'error' });
    assert.ok(states.every((s) => s.configRevision === 3));
    assert.deepEqual(log, ['counter:new', 'counter:config:{"step":5}']);
    assert.deepEqual(host.descriptors().map((d) => d.name), ['counter', 'fragile', 'greedy']);
  });

  it('a role claiming a reserved event is reported as error, never fatal', async () => {
    const { host } = buildHost();
    const states = await host.applyConfig(1, {});
    const greedy = states.find((s) => s.name === 'greedy');
    assert.equal(greedy?.status, 'error');
    assert.match(greedy?.error ?? '', /reserved for the agent core/);
  });

  it('tunes a running role live via onConfig without rebuilding it', async () => {
    const { host, log } = buildHost();
    await host.applyConfig(1, { counter: { step: 1 } });
    await host.applyConfig(2, { counter: { step: 7 } });
    assert.equal(log.filter((l) => l === 'counter:new').length, 1);
    assert.equal(host.collectMetrics().counterStep, 7);
  });

  it('disables a role (stopAll, signal aborted, handlers and metrics gone) and re-enables a fresh instance', async () => {
    const { host, log, contexts } = buildHost();
    await host.applyConfig(1, {});
    assert.ok(host.hasHandler('counter.bump'));
    assert.deepEqual(await host.dispatch('counter.bump', { by: 2 }), { ok: true, count: 2 });

    const stopped = await host.applyConfig(2, { counter: { enabled: false } });
    assert.equal(statusOf(stopped).counter, 'stopped');
    assert.ok(log.includes('counter:stop'));
    assert.equal(contexts[0]?.signal.aborted, true);
    assert.equal(host.hasHandler('counter.bump'), false);
    assert.equal((await host.dispatch('counter.bump', {})).ok, false);
    assert.equal('counterValue' in host.collectMetrics(), false);

    const restarted = await host.applyConfig(3, { counter: { enabled: true } });
    assert.equal(statusOf(restarted).counter, 'running');
    assert.equal(contexts.length, 2);
    assert.equal(contexts[1]?.signal.aborted, false);
    assert.deepEqual(await host.dispatch('counter.bump', { by: 1 }), { ok: true, count: 1 }, 'fresh state');
  });

  it('reports a throwing onConfig as error with the message, and retries it on the next config', async () => {
    const { host } = buildHost();
    const states = await host.applyConfig(1, { fragile: { explode: true } });
    const fragile = states.find((s) => s.name === 'fragile');
    assert.deepEqual(fragile, { name: 'fragile', status: 'error', configRevision: 1, error: 'onConfig: bad config' });
    assert.equal(statusOf(states).counter, 'running', 'other roles unaffected');
    const fixed = await host.applyConfig(2, { fragile: {} });
    assert.equal(statusOf(fixed).fragile, 'running');
    assert.equal(fixed.find((s) => s.name === 'fragile')?.error, undefined);
  });

  it('times out a hanging hook and reports it', async () => {
    const { host } = buildHost();
    const states = await host.applyConfig(1, { fragile: { hang: true } });
    assert.match(states.find((s) => s.name === 'fragile')?.error ?? '', /timed out after 200 ms/);
  });

  it('merges metrics of running roles, dropping invalid names and values', async () => {
    const { host } = buildHost();
    await host.applyConfig(1, { counter: { step: 4 } });
    assert.deepEqual(host.collectMetrics(), { counterValue: 0, counterStep: 4, fragileOk: 1 });
  });

  it('a throwing collectMetrics marks the role error and notifies onStateChange', async () => {
    const changes: RoleStateEntry[][] = [];
    const { host } = buildHost((s) => changes.push(s));
    await host.applyConfig(1, { fragile: { explodeOnMetrics: true } });
    assert.deepEqual(Object.keys(host.collectMetrics()).sort(), ['counterStep', 'counterValue']);
    await new Promise((r) => setImmediate(r));
    assert.equal(changes.length, 1);
    assert.equal(statusOf(changes[0]!).fragile, 'error');
    assert.match(changes[0]!.find((s) => s.name === 'fragile')?.error ?? '', /collectMetrics: metrics boom/);
    assert.equal('fragileOk' in host.collectMetrics(), false);
  });

  it('turns a throwing event handler into an error ack without stopping the role', async () => {
    const { host } = buildHost();
    await host.applyConfig(1, {});
    assert.deepEqual(await host.dispatch('counter.crash', {}), { ok: false, code: 'role_error', message: 'handler boom' });
    assert.equal(statusOf(host.states()).counter, 'running');
    assert.equal((await host.dispatch('nobody.listens', {})).ok, false);
  });

  it('stopAll stops every running role', async () => {
    const { host, log } = buildHost();
    await host.applyConfig(1, {});
    await host.stopAll();
    assert.ok(log.includes('counter:stop'));
    assert.ok(host.states().every((s) => s.status === 'stopped'));
  });

  it('serializes overlapping config applications', async () => {
    const { host, log } = buildHost();
    const a = host.applyConfig(1, { counter: { step: 1 } });
    const b = host.applyConfig(2, { counter: { enabled: false } });
    const c = host.applyConfig(3, { counter: { step: 3 } });
    await Promise.all([a, b, c]);
    assert.deepEqual(log, [
      'counter:new', 'counter:config:{"step":1}', 'counter:stop', 'counter:new', 'counter:config:{"step":3}',
    ]);
  });

  it('gives roles a context with agent info and an emit that reaches the server', async () => {
    const { host, contexts, emitted } = buildHost();
    await host.applyConfig(1, {});
    const ctx = contexts[0]!;
    assert.equal(ctx.name, 'counter');
    assert.deepEqual({ ...ctx.agent }, { id: 'agent-1', home: '/tmp/h', version: '1.0.0', os: 'linux', selfCommand: [process.execPath] });
    assert.deepEqual(await ctx.emit('counter.done', { n: 1 }), { ok: true });
    assert.deepEqual(emitted, [{ event: 'counter.done', payload: { n: 1 } }]);
  });
  it('hosts a role added after start (Roles/): stopped until the next config, then started and listed in order', async () => {
    const { host } = buildHost();
    await host.applyConfig(1, {});
    class LateRole implements RoleInstance {
      constructor(private readonly context: RoleContext) {}
      registerEvents(): void {
        this.context.on('late.ping', () => ({ ok: true, pong: true }));
      }
    }
    host.addRole({ name: 'a_late', contexts: ['system'], ctor: LateRole });
    assert.deepEqual(host.descriptors().map((d) => d.name), ['a_late', 'counter', 'fragile', 'greedy']);
    assert.equal(statusOf(host.states()).a_late, 'stopped');
    assert.ok(host.has('a_late'));
    const states = await host.applyConfig(2, {});
    assert.equal(statusOf(states).a_late, 'running');
    assert.deepEqual(await host.dispatch('late.ping', {}), { ok: true, pong: true });
    assert.throws(() => host.addRole({ name: 'counter', contexts: ['system'], ctor: LateRole }), /already hosted/);
  });
});
