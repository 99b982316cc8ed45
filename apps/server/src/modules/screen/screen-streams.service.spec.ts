import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { ConflictError, DomainError } from '../../common/errors';
import type { AuditRecord, AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import type { DevicesService } from '../devices/devices.service';
import type { AgentMetrics } from '../metrics/agent-metrics';
import type { DesktopAgent, OkAck } from './desktop-agent';
import { ScreenStreams, type ViewerSocket } from './screen-streams.service';

const DEVICE = '5b0c7a52-58d5-4a4c-9f3d-2f4a3c1d0e01';
const principal: Principal = { tokenId: 't1', name: 'console', scopes: ['screen:read'], ip: null };
const params = { fps: 2, format: 'png' as const, quality: 80 };

/** Scripted agent (each stream.start waits for the test to answer) and in-memory audit. */
function setup() {
  const linkEmits: { event: string; payload: unknown }[] = [];
  const link = { id: 'link-1', emit: (event: string, payload: unknown) => { linkEmits.push({ event, payload }); return true; }, disconnect: () => undefined };
  const starts: { payload: Record<string, unknown>; resolve: (ack: OkAck) => void; reject: (error: DomainError) => void }[] = [];
  const desktop = {
    ensureReady: () => link,
    request: (_d: string, _r: string, _e: string, payload: Record<string, unknown>) =>
      new Promise<OkAck>((resolve, reject) => starts.push({ payload, resolve, reject })),
  } as unknown as DesktopAgent;
  const audits: AuditRecord[] = [];
  const audit = { record: async (_actor: unknown, record: AuditRecord) => { audits.push(record); return record; } } as unknown as AuditService;
  const devices = { getActive: async () => ({}) } as unknown as DevicesService;
  const metrics = { registry: new Registry() } as unknown as AgentMetrics;
  const streams = new ScreenStreams(devices, desktop, audit, metrics);
  const viewer = (id: string) => {
    const received: { event: string; payload: unknown; ack?: () => void }[] = [];
    const socket: ViewerSocket = { id, connected: true, emit: (event: string, payload: unknown, ack?: () => void) => { received.push({ event, payload, ack }); return true; } };
    return { socket, received };
  };
  const tick = () => new Promise((r) => setImmediate(r));
  return { streams, link, linkEmits, starts, audits, viewer, tick, metrics };
}

describe('ScreenStreams', () => {
  it('starts one stream for concurrent first watches; both get the first one\'s parameters', async () => {
    const { streams, starts, viewer, tick } = setup();
    const a = streams.watch(viewer('a').socket, principal, { deviceId: DEVICE, ...params });
    await tick();
    const b = streams.watch(viewer('b').socket, principal, { deviceId: DEVICE, fps: 9, format: 'jpeg', quality: 10 });
    await tick();
    assert.equal(starts.length, 1);
    starts[0]!.resolve({ ok: true });
    const [ackA, ackB] = await Promise.all([a, b]);
    assert.equal(ackA.streamId, ackB.streamId);
    assert.deepEqual({ fps: ackB.fps, format: ackB.format, quality: ackB.quality }, params);
  });

  it('a viewer leaving while the agent starts: its watch fails, the stream is stopped once started', async () => {
    const { streams, starts, linkEmits, viewer, tick, audits } = setup();
    const a = viewer('a');
    const watch = streams.watch(a.socket, principal, { deviceId: DEVICE, ...params });
    await tick();
    assert.equal(await streams.unwatch('a', DEVICE, 'unwatched'), true);
    starts[0]!.resolve({ ok: true });
    await assert.rejects(watch, (error: DomainError) => error.code === 'stream_ended');
    await tick();
    assert.deepEqual(linkEmits.map((e) => e.event), ['screen.stream.stop']);
    assert.deepEqual(linkEmits[0]!.payload, { streamId: starts[0]!.payload.streamId });
    assert.deepEqual(audits.map((r) => [r.action, r.details?.outcome, r.details?.error]), [['screen.watch.start', 'failed', 'stream_ended']]);
  });

  it('the link dropping while the agent starts fails the watch at once (not at the start timeout)', async () => {
    const { streams, link, starts, linkEmits, viewer, tick, audits } = setup();
    const watch = streams.watch(viewer('a').socket, principal, { deviceId: DEVICE, ...params });
    await tick();
    streams.linkClosed(DEVICE, link, 'device_offline');
    await assert.rejects(watch, (error: DomainError) => error.code === 'agent_offline');
    assert.equal(starts.length, 1);
    assert.deepEqual(linkEmits, [], 'no stop on a closed link');
    assert.deepEqual(audits.map((r) => [r.action, r.details?.outcome, r.details?.error]), [['screen.watch.start', 'failed', 'agent_offline']]);
  });

  it('an agent refusing the start fails every waiting watch and leaves no stream behind', async () => {
    const { streams, starts, viewer, tick } = setup();
    const watch = streams.watch(viewer('a').socket, principal, { deviceId: DEVICE, ...params });
    await tick();
    starts[0]!.reject(new ConflictError('display_unavailable', 'no DISPLAY'));
    await assert.rejects(watch, (error: DomainError) => error.code === 'display_unavailable');
    // A later watch starts afresh.
    const again = streams.watch(viewer('a').socket, principal, { deviceId: DEVICE, ...params });
    await tick();
    assert.equal(starts.length, 2);
    starts[1]!.resolve({ ok: true });
    assert.equal((await again).ok, true);
  });

  it('does not add a viewer whose socket closed while the device was looked up, nor the same socket twice', async () => {
    const { streams, starts, viewer, tick } = setup();
    const gone = viewer('gone');
    const pending = streams.watch(gone.socket, principal, { deviceId: DEVICE, ...params });
    (gone.socket as { connected: boolean }).connected = false;
    await assert.rejects(pending, (error: DomainError) => error.code === 'viewer_disconnected');
    assert.equal(starts.length, 0, 'no stream for a viewer that is gone');
    const a = viewer('a');
    const first = streams.watch(a.socket, principal, { deviceId: DEVICE, ...params });
    const second = streams.watch(a.socket, principal, { deviceId: DEVICE, ...params });
    await tick();
    starts[0]!.resolve({ ok: true });
    assert.equal((await first).streamId, (await second).streamId);
  });

  it('forwards a frame only to ready viewers and acks the agent when one of them acks', async () => {
    const { streams, starts, viewer, tick, metrics } = setup();
    const a = viewer('a');
    const b = viewer('b');
    const watchA = streams.watch(a.socket, principal, { deviceId: DEVICE, ...params });
    const watchB = streams.watch(b.socket, principal, { deviceId: DEVICE, ...params });
    await tick();
    starts[0]!.resolve({ ok: true });
    const { streamId } = await watchA;
    await watchB;
    assert.match(await metrics.registry.metrics(), /borealis_screen_viewers 2/);
    const frame = (seq: number) => ({ streamId, seq, format: 'png' as const, width: 1, height: 1, capturedAt: 1, data: new Uint8Array([1]) });
    const agentAcks: unknown[] = [];
    streams.onFrame(DEVICE, frame(0), (ack) => agentAcks.push(ack));
    assert.equal(a.received.length, 1);
    assert.equal(b.received.length, 1);
    assert.equal(agentAcks.length, 0);
    b.received[0]!.ack!();
    assert.deepEqual(agentAcks, [{ ok: true, continue: true }]);
    streams.onFrame(DEVICE, frame(1), (ack) => agentAcks.push(ack));
    assert.equal(a.received.length, 1, 'a has not acked frame 0: skipped');
    assert.equal(b.received.length, 2);
    streams.onFrame('another-device', frame(2), (ack) => agentAcks.push(ack));
    assert.deepEqual(agentAcks.at(-1), { ok: true, continue: false }, 'another device cannot feed this stream');
    await streams.unwatch('a', DEVICE, 'unwatched');
    await streams.unwatch('b', DEVICE, 'unwatched');
    assert.deepEqual(agentAcks.at(-1), { ok: true, continue: false }, 'the held ack of frame 1 is released with continue:false');
    assert.match(await metrics.registry.metrics(), /borealis_screen_streams_active 0/);
  });
});
