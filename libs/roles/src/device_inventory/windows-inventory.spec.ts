import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InventoryEvents } from '@borealis/protocol';
import { createFakeRoleContext } from '../core';
import { DeviceInventoryRole } from './role';
import { fakeRunner, fakeSource, manualTimers } from './test-support';
import { parseWindowsSoftwareLine, parseWindowsUpdateLine, windowsSoftwareScript } from './windows-powershell';

/** Windows collection is built and parsed here on Linux: the PowerShell call is faked, its script decoded. */
function windowsRole(lines: string[], exitCode = 0) {
  const fake = createFakeRoleContext({ name: 'device_inventory', agent: { os: 'windows' } });
  const runner = fakeRunner({ 'powershell.exe': { lines, exitCode } });
  const timers = manualTimers();
  const role = new DeviceInventoryRole(fake.context, { runner, source: fakeSource(), setTimer: timers.setTimer, clearTimer: timers.clearTimer });
  role.registerEvents();
  return { fake, runner };
}

function decodedScript(args: readonly string[]): string {
  const encoded = args[args.indexOf('-EncodedCommand') + 1]!;
  return Buffer.from(encoded, 'base64').toString('utf16le');
}

describe('device_inventory on Windows (faked PowerShell)', () => {
  it('reads the 64-bit, 32-bit (WOW6432Node) and per-user Uninstall keys in one non-interactive PowerShell', async () => {
    const { fake, runner } = windowsRole([
      'machine64\tGit\t2.47.1\tThe Git Development Community',
      'machine32\tNotepad++ (32-bit x86)\t8.6.9\tNotepad++ Team',
      'user\tVisual Studio Code\t1.95.3\t',
      'nonsense line',
    ]);
    const ack = await fake.deliver(InventoryEvents.collect, { kind: 'software' }) as { ok: true; data: { source: string; items: unknown[] } };
    assert.equal(ack.data.source, 'registry');
    assert.deepEqual(ack.data.items, [
      { name: 'Git', version: '2.47.1', publisher: 'The Git Development Community', scope: 'machine64' },
      { name: 'Notepad++ (32-bit x86)', version: '8.6.9', publisher: 'Notepad++ Team', scope: 'machine32' },
      { name: 'Visual Studio Code', version: '1.95.3', scope: 'user' },
    ]);
    const call = runner.calls[0]!;
    assert.equal(call.file, 'powershell.exe');
    assert.deepEqual(call.args.slice(0, 4), ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass']);
    const script = decodedScript(call.args);
    assert.match(script, /OutputEncoding=\[Text\.Encoding\]::UTF8/);
    assert.ok(script.includes('HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*'));
    assert.ok(script.includes('HKLM:\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*'));
    assert.ok(script.includes('HKCU:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*'));
    assert.match(script, /SystemComponent/);
  });

  it('queries the Windows Update Agent COM API for updates not installed and not hidden', async () => {
    const { fake, runner } = windowsRole([
      '2024-12 Cumulative Update for Windows 11 (KB5048667)\tKB5048667\tCritical\tSecurity Updates',
      'Microsoft Defender Antivirus definitions\tKB2267602\t\tDefinition Updates',
    ]);
    const ack = await fake.deliver(InventoryEvents.collect, { kind: 'updates' }) as { ok: true; data: { source: string; items: unknown[] } };
    assert.equal(ack.data.source, 'windows_update');
    assert.deepEqual(ack.data.items, [
      { name: '2024-12 Cumulative Update for Windows 11 (KB5048667)', availableVersion: 'KB5048667', repository: 'Security Updates', security: true },
      { name: 'Microsoft Defender Antivirus definitions', availableVersion: 'KB2267602', repository: 'Definition Updates', security: false },
    ]);
    const script = decodedScript(runner.calls[0]!.args);
    assert.match(script, /Microsoft\.Update\.Session/);
    assert.match(script, /IsInstalled=0 and IsHidden=0/);
  });

  it('reports a failing PowerShell as collect_failed and a missing one as not_supported', async () => {
    const failing = windowsRole([], 1);
    assert.equal(((await failing.fake.deliver(InventoryEvents.collect, { kind: 'updates' })) as { code: string }).code, 'collect_failed');
    const fake = createFakeRoleContext({ name: 'device_inventory', agent: { os: 'windows' } });
    const timers = manualTimers();
    const role = new DeviceInventoryRole(fake.context, { runner: fakeRunner({}), source: fakeSource(), setTimer: timers.setTimer, clearTimer: timers.clearTimer });
    role.registerEvents();
    const missing = await fake.deliver(InventoryEvents.collect, { kind: 'software' });
    assert.equal((missing as { code: string }).code, 'not_supported');
  });

  it('parsers ignore malformed lines and the script strips tabs and line breaks from values', () => {
    assert.equal(parseWindowsSoftwareLine('machine64\t\t1.0\tX'), undefined);
    assert.equal(parseWindowsSoftwareLine('elsewhere\tApp\t1.0\tX'), undefined);
    assert.equal(parseWindowsUpdateLine(''), undefined);
    assert.match(windowsSoftwareScript(), /-replace '\[\\t\\r\\n\]',' '/);
  });
});
