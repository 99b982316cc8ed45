import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { recordingLogger } from './recording-logger';
import { SystemdNotifier, type NotifySpawner } from './systemd-notify';

function fakeSpawner(exitCode: number | 'ENOENT' = 0) {
  const calls: Array<{ command: string; args: string[]; env: NodeJS.ProcessEnv }> = [];
  const spawner: NotifySpawner = (command, args, env) => {
    calls.push({ command, args, env });
    const child = new EventEmitter();
    setImmediate(() => (exitCode === 'ENOENT' ? child.emit('error', new Error('spawn systemd-notify ENOENT')) : child.emit('exit', exitCode, null)));
    return child as ReturnType<NotifySpawner>;
  };
  return { spawner, calls };
}

describe('SystemdNotifier', () => {
  let notifier: SystemdNotifier | undefined;
  afterEach(() => notifier?.stopWatchdog());

  it('is inert without NOTIFY_SOCKET: nothing is spawned', () => {
    const { spawner, calls } = fakeSpawner();
    notifier = new SystemdNotifier({ logger: recordingLogger().logger, env: { WATCHDOG_USEC: '1000000' }, spawner });
    notifier.startWatchdog();
    notifier.ready('x');
    notifier.status('y');
    notifier.stopping('z');
    assert.equal(notifier.enabled, false);
    assert.equal(notifier.watchdogMs, undefined);
    assert.equal(calls.length, 0);
  });

  it('sends through `systemd-notify --pid=<agent pid>` with only NOTIFY_SOCKET in its environment', () => {
    const { spawner, calls } = fakeSpawner();
    notifier = new SystemdNotifier({ logger: recordingLogger().logger, env: { NOTIFY_SOCKET: '/run/x.sock' }, pid: 4242, spawner });
    notifier.ready('started, connecting to http://s');
    notifier.status('online');
    notifier.status('online'); // unchanged: not resent
    notifier.status('line1\nline2');
    notifier.extendStartTimeout(5_000, 'crash-loop back-off');
    notifier.stopping('SIGTERM');
    assert.deepEqual(calls.map((c) => c.args), [
      ['--pid=4242', 'READY=1', 'STATUS=started, connecting to http://s'],
      ['--pid=4242', 'STATUS=online'],
      ['--pid=4242', 'STATUS=line1 line2'],
      ['--pid=4242', 'EXTEND_TIMEOUT_USEC=5000000', 'STATUS=crash-loop back-off'],
      ['--pid=4242', 'STOPPING=1', 'STATUS=stopping (SIGTERM)'],
    ]);
    assert.ok(calls.every((c) => c.command === 'systemd-notify' && c.env.NOTIFY_SOCKET === '/run/x.sock' && Object.keys(c.env).sort().join() === 'NOTIFY_SOCKET,PATH'));
  });

  it('pings WATCHDOG=1 every half WATCHDOG_USEC, only when WATCHDOG_PID is unset or ours', async () => {
    const { spawner, calls } = fakeSpawner();
    notifier = new SystemdNotifier({ logger: recordingLogger().logger, env: { NOTIFY_SOCKET: '@abstract', WATCHDOG_USEC: '100000', WATCHDOG_PID: '7' }, pid: 7, spawner });
    assert.equal(notifier.watchdogMs, 100);
    notifier.startWatchdog();
    await new Promise((r) => setTimeout(r, 180));
    notifier.stopping('test'); // stops the pings
    const pings = calls.filter((c) => c.args.includes('WATCHDOG=1')).length;
    assert.ok(pings >= 3 && pings <= 5, `pings: ${pings}`); // at 0, 50, 100, 150 ms
    const after = calls.length;
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(calls.length, after, 'no ping after STOPPING');
    const other = new SystemdNotifier({ logger: recordingLogger().logger, env: { NOTIFY_SOCKET: '/s', WATCHDOG_USEC: '100000', WATCHDOG_PID: '8' }, pid: 7, spawner });
    assert.equal(other.watchdogMs, undefined, 'the watchdog of another process (we are its child) is not ours');
  });

  it('logs a failing systemd-notify once and never throws', async () => {
    for (const failure of [1, 'ENOENT'] as const) {
      const { spawner } = fakeSpawner(failure);
      const { logger, entries } = recordingLogger();
      notifier = new SystemdNotifier({ logger, env: { NOTIFY_SOCKET: '/s' }, spawner });
      notifier.ready('a');
      notifier.status('b');
      notifier.status('c');
      await new Promise((r) => setImmediate(r));
      const warnings = entries.filter((e) => e.level === 'warn');
      assert.equal(warnings.length, 1, JSON.stringify(entries));
      assert.match(warnings[0]!.msg, /systemd notification failed \(logged once\)/);
    }
    const throwing: NotifySpawner = () => { throw new Error('EAGAIN'); };
    const { logger, entries } = recordingLogger();
    new SystemdNotifier({ logger, env: { NOTIFY_SOCKET: '/s' }, spawner: throwing }).ready('x');
    assert.equal(entries.length, 1);
  });

  it('fromProcess removes NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID from process.env (children must not inherit them)', () => {
    const saved = { ...process.env };
    try {
      process.env.NOTIFY_SOCKET = '/run/systemd/notify';
      process.env.WATCHDOG_USEC = '60000000';
      process.env.WATCHDOG_PID = String(process.pid);
      notifier = SystemdNotifier.fromProcess(recordingLogger().logger);
      assert.equal(notifier.socket, '/run/systemd/notify');
      assert.equal(notifier.watchdogMs, 60_000);
      assert.equal(process.env.NOTIFY_SOCKET, undefined);
      assert.equal(process.env.WATCHDOG_USEC, undefined);
      assert.equal(process.env.WATCHDOG_PID, undefined);
    } finally {
      process.env = saved;
    }
  });
});
