import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import { testEngines } from '../testing/databases';
import { connected, connectRawAgentWithRoles, connectUi, type RawAgent } from '../testing/protocol-client';
import { TestServer, waitFor } from '../testing/server-process';

interface UiFrame { deviceId: string; streamId: string; seq: number; format: string; width: number; height: number; capturedAt: number; data: Buffer }
type AckFn = (answer: unknown) => void;

/** A `/ui` viewer that records frames and acks them only while `acking` is true. */
class Viewer {
  readonly frames: UiFrame[] = [];
  readonly ended: unknown[] = [];
  acking = true;
  constructor(readonly socket: Socket) {
    socket.on('screen.frame', (frame: UiFrame, ack: AckFn) => {
      this.frames.push(frame);
      if (this.acking) ack({ ok: true });
    });
    socket.on('screen.ended', (event: unknown) => this.ended.push(event));
  }
  watch(request: Record<string, unknown>): Promise<Record<string, any>> {
    return this.socket.timeout(15_000).emitWithAck('screen.watch', request);
  }
}

// The live screen over /ui, with a bare protocol client answering as the agent.
for (const engine of testEngines()) {
  describe(`live screen stream (${engine})`, () => {
    let server: TestServer;
    const sockets: Socket[] = [];
    const agents: RawAgent[] = [];

    const viewer = async (token = server.adminToken) => {
      const socket = connectUi(server.url, token);
      sockets.push(socket);
      await connected(socket);
      return new Viewer(socket);
    };
    /** A fake screenshot agent: acks stream.start with `startAnswer` and can push frames. */
    const streamingAgent = async (hostname: string, startAnswer: unknown = { ok: true }) => {
      const agent = await connectRawAgentWithRoles(server.url, await server.enrollmentToken(), hostname, ['screenshot']);
      agents.push(agent);
      agent.socket.on('screen.stream.start', (_p: unknown, ack: AckFn) => ack(startAnswer));
      agent.socket.on('screen.stream.stop', (_p: unknown, ack: AckFn) => ack({ ok: true }));
      return agent;
    };
    let seq = 0;
    const frame = (streamId: string, over: Record<string, unknown> = {}) => ({
      streamId, seq: seq++, format: 'jpeg', width: 64, height: 48, capturedAt: Date.now(), data: Buffer.from([0xff, 0xd8, seq % 256, 1, 2, 3]), ...over,
    });
    const send = (agent: RawAgent, payload: unknown): Promise<Record<string, unknown>> => agent.socket.timeout(10_000).emitWithAck('screen.frame', payload);
    const tokenWith = async (scopes: string[]) => (await server.api('POST', '/api/tokens', { name: `t-${scopes.join('-')}`, scopes })).body.token as string;

    before(async () => { server = await TestServer.start({ engine }); });
    after(async () => {
      sockets.forEach((s) => s.close());
      agents.forEach((a) => a.socket.close());
      await server?.stop();
    });

    it('streams to two viewers, skips one that stops acking, and stops the agent when the last viewer leaves', async () => {
      const agent = await streamingAgent('stream-a');
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(agent.eventsNamed('screen.stream.start'), [], 'no viewers, no stream');

      const a = await viewer();
      const watched = await a.watch({ deviceId: agent.id, fps: 4, format: 'jpeg', quality: 60, region: { x: 0, y: 0, width: 64, height: 48 } });
      assert.equal(watched.ok, true, JSON.stringify(watched));
      assert.deepEqual({ fps: watched.fps, format: watched.format, quality: watched.quality }, { fps: 4, format: 'jpeg', quality: 60 });
      const starts = agent.eventsNamed('screen.stream.start') as Record<string, unknown>[];
      assert.equal(starts.length, 1);
      assert.deepEqual(starts[0], { streamId: watched.streamId, fps: 4, format: 'jpeg', quality: 60, region: { x: 0, y: 0, width: 64, height: 48 } });

      const first = frame(watched.streamId);
      assert.deepEqual(await send(agent, first), { ok: true, continue: true }, 'acked once the viewer acked');
      await waitFor(() => a.frames.length === 1, 3000);
      assert.deepEqual({ ...a.frames[0], data: Buffer.from(a.frames[0]!.data) }, { ...first, deviceId: agent.id, data: first.data });

      // A second viewer joins the running stream: the first viewer's parameters stay in effect.
      const b = await viewer();
      const joined = await b.watch({ deviceId: agent.id, fps: 9, format: 'png' });
      assert.equal(joined.ok, true);
      assert.deepEqual({ streamId: joined.streamId, fps: joined.fps, format: joined.format }, { streamId: watched.streamId, fps: 4, format: 'jpeg' });
      assert.equal(agent.eventsNamed('screen.stream.start').length, 1, 'no second stream.start');

      b.acking = false; // b receives one more frame and never acks it
      for (let i = 0; i < 4; i++) assert.deepEqual(await send(agent, frame(watched.streamId)), { ok: true, continue: true });
      await waitFor(() => a.frames.length === 5, 3000);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(b.frames.length, 1, 'a viewer that did not ack gets no further frames');

      // a leaves: b still watches, so no stop yet; b's outstanding frame holds the agent's ack (bounded).
      assert.deepEqual(await a.socket.emitWithAck('screen.unwatch', { deviceId: agent.id }), { ok: true });
      assert.deepEqual(agent.eventsNamed('screen.stream.stop'), []);
      const started = Date.now();
      assert.deepEqual(await send(agent, frame(watched.streamId)), { ok: true, continue: true });
      assert.ok(Date.now() - started >= 4000, 'no ready viewer: the ack waits for the bound');

      // The last viewer disconnects: the agent is told to stop, and later frames get continue:false.
      b.socket.close();
      await waitFor(() => agent.eventsNamed('screen.stream.stop').length === 1, 3000);
      assert.deepEqual(agent.eventsNamed('screen.stream.stop'), [{ streamId: watched.streamId }]);
      assert.deepEqual(await send(agent, frame(watched.streamId)), { ok: true, continue: false });

      const audit = await server.api('GET', `/api/audit?targetId=${agent.id}&limit=100`);
      const actions = (audit.body as { action: string; details: Record<string, unknown> }[]).filter((e) => e.action.startsWith('screen.')).map((e) => `${e.action}:${e.details.reason ?? e.details.outcome}`).sort();
      assert.deepEqual(actions, ['screen.watch.start:succeeded', 'screen.watch.start:succeeded', 'screen.watch.stop:unwatched', 'screen.watch.stop:viewer_disconnected']);
    });

    it('holds the agent\'s frame ack until a viewer acks, so the agent runs at the viewer\'s pace', async () => {
      const agent = await streamingAgent('stream-pace');
      const slow = await viewer();
      slow.socket.off('screen.frame');
      const pending: AckFn[] = [];
      slow.socket.on('screen.frame', (_f: UiFrame, ack: AckFn) => pending.push(ack));
      const watched = await slow.watch({ deviceId: agent.id });
      let acked = false;
      const agentAck = send(agent, frame(watched.streamId)).then((ack) => { acked = true; return ack; });
      await waitFor(() => pending.length === 1, 3000);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(acked, false, 'not acked before the viewer');
      pending[0]!({ ok: true });
      assert.deepEqual(await agentAck, { ok: true, continue: true });
      slow.socket.close();
      await waitFor(() => agent.eventsNamed('screen.stream.stop').length === 1, 3000);
    });

    it('tells viewers screen.ended when the device disconnects, and a new watch starts a new stream', async () => {
      const agent = await streamingAgent('stream-offline');
      const a = await viewer();
      const watched = await a.watch({ deviceId: agent.id });
      assert.equal(watched.ok, true);
      agent.socket.close();
      await waitFor(() => a.ended.length === 1, 5000);
      assert.deepEqual(a.ended[0], { deviceId: agent.id, streamId: watched.streamId, reason: 'device_offline' });
      const again = await a.watch({ deviceId: agent.id });
      assert.equal(again.ok, false);
      assert.equal(again.code, 'agent_offline');
    });

    it('fails the watch when the agent refuses to start, and refuses a watch without screen:read', async () => {
      const refusing = await streamingAgent('stream-refuse', { ok: false, code: 'display_unavailable', message: 'no DISPLAY' });
      const a = await viewer();
      const refused = await a.watch({ deviceId: refusing.id });
      assert.deepEqual({ ok: refused.ok, code: refused.code, message: refused.message }, { ok: false, code: 'display_unavailable', message: 'no DISPLAY' });

      const agent = await streamingAgent('stream-scope');
      const noScreen = await viewer(await tokenWith(['devices:read']));
      const denied = await noScreen.watch({ deviceId: agent.id });
      assert.deepEqual({ ok: denied.ok, code: denied.code }, { ok: false, code: 'missing_scope' });
      const bad = await a.watch({ deviceId: agent.id, fps: 50 });
      assert.deepEqual({ ok: bad.ok, code: bad.code }, { ok: false, code: 'bad_message' });
      const plain = await connectRawAgentWithRoles(server.url, await server.enrollmentToken(), 'stream-norole', ['heartbeat_metrics']);
      agents.push(plain);
      assert.equal((await a.watch({ deviceId: plain.id })).code, 'role_unavailable');
      assert.equal((await a.watch({ deviceId: '00000000-0000-4000-8000-000000000000' })).code, 'device_not_found');
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(agent.eventsNamed('screen.stream.start'), [], 'refused watches start nothing');
      assert.deepEqual(plain.received.filter((r) => r.event.startsWith('screen.')), []);
      // A token holding only screen:read may open /ui for this.
      const screenOnly = await viewer(await tokenWith(['screen:read']));
      const ok = await screenOnly.watch({ deviceId: agent.id });
      assert.equal(ok.ok, true, JSON.stringify(ok));
      screenOnly.socket.close();
    });

    it('answers unknown streams with continue:false and drops malformed frames', async () => {
      const agent = await streamingAgent('stream-bad');
      assert.deepEqual(await send(agent, frame('7d7e0c9a-4a40-4d3f-9a57-6d1d2b1f5e10')), { ok: true, continue: false });
      const malformed = await send(agent, { ...frame('7d7e0c9a-4a40-4d3f-9a57-6d1d2b1f5e10'), data: 'not-binary' });
      assert.equal(malformed.ok, false);
      assert.equal(malformed.code, 'bad_message');
      // Another device's stream id is not this agent's to feed.
      const owner = await streamingAgent('stream-owner');
      const a = await viewer();
      const watched = await a.watch({ deviceId: owner.id });
      assert.deepEqual(await send(agent, frame(watched.streamId)), { ok: true, continue: false });
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(a.frames.length, 0);
      assert.equal((await server.api('GET', '/api/health', undefined, null)).status, 200);
      a.socket.close();
    });
  });
}
