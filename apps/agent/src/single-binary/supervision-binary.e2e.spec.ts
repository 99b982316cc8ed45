import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_UNHEALTHY } from '../supervision/self-supervision';
import { LINUX_BINARY, ensureAgentBinaries } from './agent-build';

/**
 * Self-supervision in the real binary, no server needed: the agent keeps retrying an unreachable
 * server while its RSS (~90 MB) sits above a 64 MB ceiling, so it must log why and exit 70; run in
 * a loop like a service manager would, the crash-loop back-off must kick in.
 */
describe('single binary self-supervision (memory ceiling exit, crash-loop back-off)', { timeout: 12 * 60_000 }, () => {
  let home: string;
  before(() => {
    ensureAgentBinaries();
    home = mkdtempSync(join(tmpdir(), 'borealis-supervision-'));
    writeFileSync(join(home, 'credentials.json'), JSON.stringify({ agentId: 'a1', secret: 's1', serverUrl: 'http://127.0.0.1:9' }), { mode: 0o600 });
    writeFileSync(join(home, 'config.json'), JSON.stringify({
      serverUrl: 'http://127.0.0.1:9',
      supervision: { memoryCeilingMb: 64, checkIntervalSeconds: 1, sustainSeconds: 2, crashLoopStarts: 2, crashLoopBaseDelaySeconds: 1 },
    }));
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  const run = () => spawnSync(LINUX_BINARY, ['run', '--home', home, '--log-level', 'info'], { encoding: 'utf8', timeout: 60_000 });
  const logs = () => readdirSync(join(home, 'Logs', 'Agent')).map((f) => readFileSync(join(home, 'Logs', 'Agent', f), 'utf8')).join('')
    .split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

  it('exits 70 after logging that RSS stayed over the ceiling', () => {
    const result = run();
    assert.equal(result.status, EXIT_UNHEALTHY, result.stderr);
    const unhealthy = logs().find((l) => l.kind === 'memory_ceiling');
    assert.ok(unhealthy, 'the reason is logged');
    assert.match(String(unhealthy.msg), /agent unhealthy: RSS \d+ MB above the 64 MB ceiling for \d+ s; exiting for the service manager to restart it/);
  });

  it('restarted in a loop, the third start within the window waits (crash-loop back-off)', () => {
    run();
    const started = Date.now();
    const third = run();
    assert.equal(third.status, EXIT_UNHEALTHY);
    const backoff = logs().filter((l) => String(l.msg).startsWith('restarted too often'));
    assert.equal(backoff.length, 1, 'only the start beyond crashLoopStarts backs off');
    assert.equal(backoff[0]!.delayMs, 1000);
    assert.equal(backoff[0]!.recentStarts, 3);
    assert.ok(Date.now() - started >= 1000);
  });
});
