import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeRunner } from './fake-runner';
import { installLayout } from './install-layout';
import { SystemdService, systemdIsInit } from './systemd-service';
import { quoteExecArg, renderSystemdUnit } from './systemd-unit';

describe('systemd unit', () => {
  it('runs the installed binary with its home, restarts always, within start limits', () => {
    const unit = renderSystemdUnit({ binary: '/opt/borealis-agent/borealis-agent', home: '/opt/borealis-agent' });
    assert.match(unit, /^ExecStart="\/opt\/borealis-agent\/borealis-agent" run --home "\/opt\/borealis-agent"$/m);
    for (const line of ['Type=notify', 'NotifyAccess=all', 'WatchdogSec=60', 'Restart=always', 'RestartSec=5', 'StartLimitIntervalSec=600', 'StartLimitBurst=20',
      'LimitNOFILE=65536', 'KillMode=mixed', 'WorkingDirectory=/opt/borealis-agent', 'WantedBy=multi-user.target']) {
      assert.ok(unit.split('\n').includes(line), line);
    }
    assert.ok(!/Type=simple/.test(unit));
    // The watchdog and readiness come from the agent through systemd-notify (service/systemd-notify.ts).
    assert.ok(unit.indexOf('WatchdogSec') > unit.indexOf('[Service]') && unit.indexOf('NotifyAccess') > unit.indexOf('[Service]'));
    // StartLimit* belong to [Unit] on current systemd; Restart* to [Service].
    assert.ok(unit.indexOf('StartLimitBurst') < unit.indexOf('[Service]'));
  });

  it('passes `systemd-analyze verify` without a warning (skipped where systemd-analyze is missing)', { skip: spawnSync('systemd-analyze', ['--version']).status !== 0 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'borealis-unit-'));
    try {
      const verify = (unit: string) => {
        writeFileSync(join(dir, 'borealis-agent.service'), unit);
        const result = spawnSync('systemd-analyze', ['verify', './borealis-agent.service'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
        return `${result.stdout}${result.stderr}`.trim();
      };
      // ExecStart must exist for verify: /bin/true stands in for the agent.
      const unit = renderSystemdUnit({ binary: '/bin/true', home: dir });
      assert.equal(verify(unit), '', 'no warning');
      // The check can fail: systemd warns (exit 0) about values it ignores.
      assert.match(verify(unit.replace('WatchdogSec=60', 'WatchdogSec=soon')), /Failed to parse sec value/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('quotes paths and refuses ones that could inject settings', () => {
    assert.equal(quoteExecArg('/a b/"x"%i\\'), '"/a b/\\"x\\"%%i\\\\"');
    assert.throws(() => renderSystemdUnit({ binary: '/x\nExecStartPre=/bin/evil', home: '/opt/x' }), /control characters/);
    assert.throws(() => renderSystemdUnit({ binary: 'relative', home: '/opt/x' }), /absolute/);
  });

  it('detects systemd as PID 1 only', () => {
    assert.deepEqual(systemdIsInit(() => 'systemd\n'), { ok: true, pid1: 'systemd' });
    assert.deepEqual(systemdIsInit(() => 'process_api\n'), { ok: false, pid1: 'process_api' });
    assert.equal(systemdIsInit(() => { throw new Error('no /proc'); }).ok, false);
  });
});

describe('SystemdService', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'borealis-systemd-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const layout = installLayout('/opt/borealis-agent', 'linux');

  it('install writes the unit, reloads, enables and restarts', async () => {
    const runner = new FakeRunner();
    const service = new SystemdService(runner, dir);
    await service.install(layout);
    assert.equal(readFileSync(join(dir, 'borealis-agent.service'), 'utf8'), service.expectedUnit(layout));
    assert.deepEqual(runner.calls, [
      'systemctl daemon-reload', 'systemctl enable borealis-agent.service', 'systemctl restart borealis-agent.service',
    ]);
    assert.ok(service.isRegistered(layout) && service.registrationCurrent(layout));
    writeFileSync(join(dir, 'borealis-agent.service'), 'edited by hand');
    assert.equal(service.registrationCurrent(layout), false, 'repair rewrites a unit that differs');
  });

  it('a failing systemctl surfaces with its stderr', async () => {
    const runner = new FakeRunner((line) => (line.includes('restart') ? { code: 1, stderr: 'Job failed. See journalctl' } : {}));
    await assert.rejects(new SystemdService(runner, dir).install(layout), /systemctl restart borealis-agent.service: exit 1: Job failed/);
  });

  it('unregister disables, deletes the unit and reloads; a missing unit is fine', async () => {
    const runner = new FakeRunner();
    const service = new SystemdService(runner, dir);
    await service.install(layout);
    runner.calls.length = 0;
    await service.unregister(layout);
    assert.equal(existsSync(join(dir, 'borealis-agent.service')), false);
    assert.deepEqual(runner.calls, [
      'systemctl disable --now borealis-agent.service', 'systemctl daemon-reload', 'systemctl reset-failed borealis-agent.service',
    ]);
    runner.calls.length = 0;
    await service.unregister(layout);
    assert.deepEqual(runner.calls, ['systemctl reset-failed borealis-agent.service']);
  });
});
