import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createServiceLogger, pruneOldLogs } from './logger';

describe('service logs (real files)', () => {
  const root = mkdtempSync(join(tmpdir(), 'borealis-logs-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('writes JSON lines to Logs/<Service>/ and never writes secrets', async () => {
    const log = await createServiceLogger({ service: 'Agent', dir: root });
    log.logger.info({ agentId: 'a1', secret: 'bra_s3cret', auth: { token: 'brl_t0ken' }, enrollmentToken: 'bre_x' }, 'enrolled');
    await log.close();
    const files = readdirSync(join(root, 'Agent'));
    assert.equal(files.length, 1);
    const text = readFileSync(join(root, 'Agent', files[0]!), 'utf8');
    const line = JSON.parse(text.trim().split('\n')[0]!);
    assert.equal(line.msg, 'enrolled');
    assert.equal(line.service, 'Agent');
    assert.equal(line.agentId, 'a1');
    for (const secret of ['bra_s3cret', 'brl_t0ken', 'bre_x']) assert.equal(text.includes(secret), false, secret);
  });

  it('rotates by size and keeps only the configured number of files', async () => {
    const log = await createServiceLogger({ service: 'Rotating', dir: root, maxSize: '2k', maxFiles: 2 });
    for (let i = 0; i < 200; i++) {
      log.logger.info({ i, filler: 'x'.repeat(100) }, 'line');
      // Rotation happens on the stream's drain; give it a turn now and then.
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, 100));
    await log.close();
    const files = readdirSync(join(root, 'Rotating')).sort();
    assert.ok(files.length >= 2, `rotated into several files: ${files.join()}`);
    assert.ok(files.length <= 3, `at most 2 rotated + 1 active kept: ${files.join()}`);
    const numbers = files.map((f) => Number(f.split('.').at(-2)));
    assert.ok(Math.min(...numbers) > 1, 'the oldest files were deleted');
  });

  it('prunes log files older than the age limit', () => {
    const folder = join(root, 'Aged');
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder);
    writeFileSync(join(folder, 'aged.2026-01-01.1.log'), 'old\n');
    writeFileSync(join(folder, 'aged.2026-11-25.1.log'), 'new\n');
    writeFileSync(join(folder, 'notes.txt'), 'not a log\n');
    const fortyDaysAgo = (Date.now() - 40 * 86_400_000) / 1000;
    utimesSync(join(folder, 'aged.2026-01-01.1.log'), fortyDaysAgo, fortyDaysAgo);
    utimesSync(join(folder, 'notes.txt'), fortyDaysAgo, fortyDaysAgo);
    assert.deepEqual(pruneOldLogs(folder, 30 * 86_400_000), ['aged.2026-01-01.1.log']);
    assert.deepEqual(readdirSync(folder).sort(), ['aged.2026-11-25.1.log', 'notes.txt']);
  });
});
