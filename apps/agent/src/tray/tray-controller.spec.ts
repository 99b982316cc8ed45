import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { inflateSync } from 'node:zlib';
import { recordingLogger } from '../service/recording-logger';
import { decideTray } from './tray-mode';
import { EXIT_RESTART, statusText } from './agent-tray';
import { TRAY_ITEM, TrayController, type TrayMenu } from './tray-controller';
import { trayIconIco, trayIconPng } from './tray-icon';

const FAKE = join(__dirname, 'fake-tray-helper.js');

async function waitFor(check: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** One fake helper process and the spec's end of its control socket. */
async function fakeHelper(dir: string, name: string) {
  const controlPath = join(dir, `${name}.sock`);
  const received: unknown[] = [];
  const errors: string[] = [];
  let socket: Socket | undefined;
  const command = [process.execPath, FAKE];
  const attach = async (): Promise<void> => {
    const until = Date.now() + 5_000;
    for (;;) {
      try {
        socket = await new Promise<Socket>((resolve, reject) => {
          const s = connect(controlPath, () => resolve(s));
          s.once('error', reject);
        });
        break;
      } catch (err) {
        if (Date.now() > until) throw err;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    createInterface({ input: socket }).on('line', (line) => {
      if (line.startsWith('stdin ')) received.push(JSON.parse(line.slice(6)));
      if (line.startsWith('error ')) errors.push(line.slice(6));
    });
  };
  return {
    command, controlPath, received, errors, attach,
    send: (line: string) => socket!.write(`${line}\n`),
    close: () => socket?.destroy(),
  };
}

function makeController(command: string[], controlPath: string) {
  const { logger, entries } = recordingLogger();
  const actions: string[] = [];
  process.env.FAKE_TRAY_CONTROL = controlPath;
  const controller = new TrayController({
    command, logger, platform: 'linux',
    initial: { state: 'offline', text: 'Borealis: starting — http://s' },
    onRestart: () => actions.push('restart'),
    onQuit: () => actions.push('quit'),
  });
  return { controller, entries, actions };
}

describe('tray controller (fake tray helper: no tray host here)', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'borealis-tray-')); });
  after(() => {
    delete process.env.FAKE_TRAY_CONTROL;
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the menu after ready: disabled status line, Restart, Quit, tooltip = status (fake tray helper: no tray host here)', async () => {
    const helper = await fakeHelper(dir, 'menu');
    const { controller, entries } = makeController(helper.command, helper.controlPath);
    controller.start();
    await helper.attach();
    controller.setStatus({ state: 'offline', text: statusText(false, 'http://s') }); // before ready: kept, sent with the menu
    helper.send('ready');
    await waitFor(() => helper.received.length >= 1, 5_000, 'menu');
    const menu = helper.received[0] as TrayMenu;
    assert.deepEqual(menu.items.map((i) => [i.__id, i.title, i.enabled]), [
      [TRAY_ITEM.status, 'Borealis: offline, retrying', false],
      [TRAY_ITEM.restart, 'Restart', true],
      [TRAY_ITEM.quit, 'Quit', true],
    ]);
    assert.equal(menu.tooltip, 'Borealis: offline, retrying');
    assert.ok(Buffer.from(menu.icon, 'base64').subarray(1, 4).toString() === 'PNG', 'Linux helper gets a PNG icon');
    assert.ok(controller.active);
    assert.ok(entries.some((e) => e.msg === 'tray icon shown'));
    await controller.close();
    assert.deepEqual(helper.errors, [], 'nothing the real helper would ignore');
    helper.close();
  });

  it('status follows online/offline: status line, tooltip and icon change; unchanged status is not resent (fake tray helper: no tray host here)', async () => {
    const helper = await fakeHelper(dir, 'status');
    const { controller } = makeController(helper.command, helper.controlPath);
    controller.start();
    await helper.attach();
    helper.send('ready');
    await waitFor(() => helper.received.length === 1);
    const offlineIcon = (helper.received[0] as TrayMenu).icon;
    controller.setStatus({ state: 'online', text: statusText(true, 'https://borealis.example') });
    controller.setStatus({ state: 'online', text: statusText(true, 'https://borealis.example') });
    controller.setStatus({ state: 'offline', text: statusText(false, 'https://borealis.example') });
    await waitFor(() => helper.received.length === 3, 5_000, 'two updates');
    const [, online, offline] = helper.received as Array<{ type: string; item: { __id: number; title: string; enabled: boolean }; menu: TrayMenu }>;
    assert.equal(online!.type, 'update-item-and-menu', 'the type the Go helper knows (not systray2\'s update-menu-and-item)');
    assert.deepEqual([online!.item.__id, online!.item.title, online!.item.enabled], [TRAY_ITEM.status, 'Borealis: online — https://borealis.example', false]);
    assert.equal(online!.menu.tooltip, 'Borealis: online — https://borealis.example');
    assert.notEqual(online!.menu.icon, offlineIcon, 'the online icon differs');
    assert.equal(offline!.item.title, 'Borealis: offline, retrying');
    assert.equal(offline!.menu.icon, offlineIcon);
    await controller.close();
    assert.deepEqual(helper.received.at(-1), { type: 'exit' }, 'close asks the helper to exit');
    assert.deepEqual(helper.errors, [], 'nothing the real helper would ignore');
    helper.close();
  });

  it('menu clicks: Restart and Quit call the agent, the disabled status line does nothing (fake tray helper: no tray host here)', async () => {
    const helper = await fakeHelper(dir, 'clicks');
    const { controller, actions } = makeController(helper.command, helper.controlPath);
    controller.start();
    await helper.attach();
    helper.send('ready');
    await waitFor(() => helper.received.length === 1);
    helper.send(`click ${TRAY_ITEM.status}`);
    helper.send(`click ${TRAY_ITEM.restart}`);
    helper.send(`click ${TRAY_ITEM.quit}`);
    await waitFor(() => actions.length === 2, 5_000, 'two actions');
    assert.deepEqual(actions, ['restart', 'quit']);
    await controller.close();
    helper.close();
  });

  it('a helper that crashes is logged once with its stderr, never restarted, and later updates are harmless (fake tray helper: no tray host here)', async () => {
    const helper = await fakeHelper(dir, 'crash');
    const { controller, entries } = makeController(helper.command, helper.controlPath);
    controller.start();
    await helper.attach();
    helper.send('ready');
    await waitFor(() => helper.received.length === 1);
    helper.send('stderr Gtk-WARNING: cannot open display');
    await new Promise((r) => setTimeout(r, 50));
    helper.send('crash 3');
    await waitFor(() => entries.some((e) => e.level === 'warn'), 5_000, 'warning');
    assert.equal(controller.active, false);
    controller.setStatus({ state: 'online', text: 'Borealis: online — http://x' }); // no helper: no throw
    await new Promise((r) => setTimeout(r, 300));
    const warnings = entries.filter((e) => e.level === 'warn');
    assert.equal(warnings.length, 1);
    assert.match(String(warnings[0]!.fields.err), /tray helper exited \(code 3\) after it was ready/);
    assert.match(String(warnings[0]!.fields.stderr), /cannot open display/);
    assert.equal(entries.filter((e) => e.msg === 'tray icon shown').length, 1, 'started once, not again');
    await controller.close();
    helper.close();
  });

  it('a helper that cannot start (missing file, not executable) is logged once (fake tray helper: no tray host here)', async () => {
    for (const command of [[join(dir, 'no-such-helper')], [__filename]]) {
      const { controller, entries } = makeController(command, join(dir, 'unused.sock'));
      controller.start();
      await waitFor(() => entries.some((e) => e.level === 'warn'), 5_000, 'warning');
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(entries.filter((e) => e.level === 'warn').length, 1, JSON.stringify(entries));
      assert.match(entries.find((e) => e.level === 'warn')!.msg, /no tray icon: the tray helper failed/);
      await controller.close();
    }
  });
});

describe('tray mode and icons', () => {
  it('auto: Windows interactive session (SESSIONNAME), Linux with DISPLAY or WAYLAND_DISPLAY; on/off override', () => {
    assert.equal(decideTray('auto', {}, 'linux').show, false);
    assert.match(decideTray('auto', {}, 'linux').reason, /headless/);
    assert.equal(decideTray('auto', { DISPLAY: ':0' }, 'linux').show, true);
    assert.equal(decideTray('auto', { WAYLAND_DISPLAY: 'wayland-0' }, 'linux').show, true);
    assert.equal(decideTray('auto', { SESSIONNAME: 'Console' }, 'win32').show, true);
    assert.equal(decideTray('auto', { USERNAME: 'alice', USERPROFILE: 'C:\\Users\\alice' }, 'win32').show, true);
    assert.equal(decideTray('auto', { USERNAME: 'PC01$', USERPROFILE: 'C:\\Windows\\system32\\config\\systemprofile' }, 'win32').show, false);
    assert.equal(decideTray('auto', { USERNAME: 'LOCAL SERVICE', USERPROFILE: 'C:\\Windows\\ServiceProfiles\\LocalService' }, 'win32').show, false);
    assert.equal(decideTray('auto', { DISPLAY: ':0' }, 'darwin').show, false);
    assert.equal(decideTray('on', {}, 'linux').show, true);
    assert.equal(decideTray('off', { DISPLAY: ':0' }, 'linux').show, false);
    assert.equal(EXIT_RESTART, 75);
  });

  it('draws a valid 32x32 RGBA PNG and an ICO wrapping it', () => {
    const png = trayIconPng('online');
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(png.readUInt32BE(16), 32);
    assert.equal(png.readUInt32BE(20), 32);
    const idatLength = png.readUInt32BE(33);
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    assert.equal(raw.length, 32 * (1 + 32 * 4));
    const center = 16 * (1 + 32 * 4) + 1 + 16 * 4;
    assert.deepEqual([...raw.subarray(center, center + 4)], [0x2e, 0xa0, 0x43, 255], 'green, opaque in the middle');
    assert.equal(raw[1 + 3], 0, 'transparent corner');
    const ico = trayIconIco('offline');
    assert.deepEqual([ico.readUInt16LE(2), ico.readUInt16LE(4), ico.readUInt32LE(18)], [1, 1, 22]);
    assert.ok(ico.subarray(22).equals(trayIconPng('offline')));
  });
});
