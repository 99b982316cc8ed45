import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Clock } from '../../common/clock';
import { loadConfig } from '../../config/config';
import type { LastSeenWriter } from './last-seen.writer';
import { PresenceService, type AgentLink } from './presence.service';

class ManualClock extends Clock {
  constructor(public t = 1_000_000) { super(); }
  override now(): Date { return new Date(this.t); }
}

class RecordingWriter {
  batches: Map<string, number>[] = [];
  failNext = false;
  async write(batch: Map<string, number>): Promise<void> {
    if (this.failNext) { this.failNext = false; throw new Error('database is locked'); }
    this.batches.push(new Map(batch));
  }
}

const DEVICE = { hostname: 'h', roles: [] };

function link(id: string): AgentLink & { closed: boolean } {
  return { id, closed: false, emit: () => true, disconnect() { this.closed = true; } };
}

function presence(clock: ManualClock, writer: RecordingWriter): PresenceService {
  const config = loadConfig({ BOREALIS_HEARTBEAT_INTERVAL_SECONDS: '30' });
  return new PresenceService(config, writer as unknown as LastSeenWriter, clock);
}

describe('PresenceService (fake clock and writer)', () => {
  it('batches lastSeen: many heartbeats, one write per device per flush', async () => {
    const clock = new ManualClock();
    const writer = new RecordingWriter();
    const service = presence(clock, writer);
    const a = link('a');
    service.attach('dev-a', a, DEVICE);
    for (let i = 0; i < 5; i++) {
      clock.t += 1000;
      assert.equal(service.heartbeat('dev-a', a, { cpuPct: i }), true);
    }
    await service.flush();
    await service.flush();
    assert.equal(writer.batches.length, 1, 'an empty flush writes nothing');
    assert.deepEqual([...writer.batches[0]!], [['dev-a', clock.t]]);
    assert.equal(service.lastSeen('dev-a', null)?.getTime(), clock.t);
  });

  it('keeps a failed batch for the next flush', async () => {
    const clock = new ManualClock();
    const writer = new RecordingWriter();
    const service = presence(clock, writer);
    const a = link('a');
    service.attach('dev-a', a, DEVICE);
    service.heartbeat('dev-a', a, {});
    writer.failNext = true;
    await service.flush();
    assert.equal(writer.batches.length, 0);
    await service.flush();
    assert.equal(writer.batches.length, 1);
  });

  it('ignores heartbeats and detaches from a replaced link', () => {
    const service = presence(new ManualClock(), new RecordingWriter());
    const old = link('old');
    const fresh = link('fresh');
    service.attach('dev', old, DEVICE);
    assert.equal(service.attach('dev', fresh, DEVICE), old);
    assert.equal(service.heartbeat('dev', old, {}), false);
    assert.equal(service.detach('dev', old), undefined, 'the old link closing does not end the session');
    assert.equal(service.connectedCount, 1);
    assert.ok(service.detach('dev', fresh));
    assert.equal(service.connectedCount, 0);
  });

  it('drops links silent for longer than the grace period, and only those', () => {
    const clock = new ManualClock();
    const service = presence(clock, new RecordingWriter());
    const quiet = link('quiet');
    const chatty = link('chatty');
    service.attach('quiet', quiet, DEVICE);
    service.attach('chatty', chatty, DEVICE);
    clock.t += 64_000;
    service.heartbeat('chatty', chatty, {});
    (service as unknown as { sweep(): void }).sweep();
    assert.equal(quiet.closed, false, '64 s of silence is within the 65 s grace');
    clock.t += 2000;
    (service as unknown as { sweep(): void }).sweep();
    assert.equal(quiet.closed, true);
    assert.equal(chatty.closed, false);
  });
});
