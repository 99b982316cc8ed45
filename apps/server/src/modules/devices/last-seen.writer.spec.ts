import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../config/config';
import { dataSourceOptions } from '../../database/data-source';
import { createTestDatabase, testEngines } from '../../testing/databases';
import { LastSeenWriter } from './last-seen.writer';

// The real schema (migrations) on a real SQLite file and a real PostgreSQL database.
for (const engine of testEngines()) {
  describe(`LastSeenWriter on ${engine}`, () => {
    const cleanups: (() => Promise<unknown> | void)[] = [];
    after(async () => {
      for (const c of cleanups.reverse()) await c();
    });

    async function open(): Promise<DataSource> {
      const dir = mkdtempSync(join(tmpdir(), 'borealis-lastseen-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const db = await createTestDatabase(engine);
      cleanups.push(() => db.drop());
      const config = loadConfig({ BOREALIS_DATA_DIR: dir, DATABASE_URL: db.url ?? '' });
      const ds = await new DataSource(dataSourceOptions(config)).initialize();
      cleanups.push(() => ds.destroy());
      return ds;
    }

    async function insertDevices(ds: DataSource, n: number): Promise<string[]> {
      const ids = Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
      await ds.transaction(async (m) => {
        for (const id of ids) {
          await m.getRepository('DeviceEntity').insert({
            id, secretHash: 'x'.repeat(64), hostname: `h${id.slice(-4)}`, os: 'linux', arch: 'x64',
            roles: [], roleConfig: {}, tags: [], enrolledAt: new Date(0),
          });
        }
      });
      return ids;
    }

    it('writes every device of a flush bigger than one slice, and nothing else', async () => {
      const ds = await open();
      const ids = await insertDevices(ds, 1_234);
      const base = Date.UTC(2026, 10, 26, 2, 0, 0);
      const seen = new Map(ids.slice(0, 1_200).map((id, i) => [id, base + i * 7] as [string, number]));
      await new LastSeenWriter(ds).write(seen);
      const rows: { id: string; lastSeen: string | number | null }[] = await ds.query('SELECT "id", "lastSeen" FROM "devices"');
      const stored = new Map(rows.map((r) => [r.id, r.lastSeen === null ? null : Number(r.lastSeen)]));
      let exact = 0;
      for (const [id, at] of seen) {
        const value = stored.get(id);
        assert.ok(value !== null && value !== undefined, `${id} not written`);
        // SQLite keeps the exact time; PostgreSQL's shared statements round down to the second.
        assert.ok(value <= at && at - value < 1000, `${id}: stored ${value} for ${at}`);
        if (value === at) exact++;
      }
      if (engine === 'sqlite') assert.equal(exact, seen.size);
      for (const id of ids.slice(1_200)) assert.equal(stored.get(id), null, `${id} was not seen and must stay null`);
    });

    it('keeps the event loop responsive: a timer set before a 6,000-device flush fires before it ends', async () => {
      const ds = await open();
      const ids = await insertDevices(ds, 6_000);
      let timerFiredDuringFlush = false;
      let flushing = true;
      setImmediate(() => { timerFiredDuringFlush = flushing; });
      await new LastSeenWriter(ds).write(new Map(ids.map((id) => [id, Date.now()])));
      flushing = false;
      assert.ok(timerFiredDuringFlush, 'the flush yielded to the event loop between slices');
    });
  });
}
