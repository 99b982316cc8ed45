import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmbeddedManifest } from '../sea/embedded-assets';
import { LINUX_BINARY, REPO_ROOT, ensureAgentBinaries } from './agent-build';
import { startXvfb, type XvfbServer as Xvfb } from '@borealis/roles/dist/desktop_shared/testing/xvfb';

const LIBNUT = join(REPO_ROOT, 'node_modules', '@nut-tree-fork', 'libnut-linux', 'build', 'Release', 'libnut.node');
const TRAY = join(REPO_ROOT, 'node_modules', 'systray2', 'traybin', 'tray_linux_release');
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/**
 * Native files inside the Linux binary: libnut (nut-js's addon) and the tray helper come out of the
 * binary, not out of node_modules. Run from a folder without the repository, with a PATH that has
 * no node: what a deployed binary sees.
 */
describe('single binary: embedded native addon and tray helper (Linux)', { timeout: 12 * 60_000 }, () => {
  let xvfb: Xvfb;
  let dir: string;
  before(async () => {
    const build = ensureAgentBinaries();
    process.stdout.write(`# build:agent ${build.ms} ms\n${build.output.split('\n').filter((l) => /embeds|linux-x64/.test(l)).map((l) => `# ${l}`).join('\n')}\n`);
    xvfb = await startXvfb({ width: 640, height: 480 });
    dir = mkdtempSync(join(tmpdir(), 'borealis-native-bin-'));
  });
  after(async () => {
    await xvfb?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const selftest = (home: string, env: Record<string, string> = {}) => spawnSync(LINUX_BINARY, ['__selftest-native', '--home', home], {
    cwd: dir, encoding: 'utf8', timeout: 60_000, env: { PATH: '/usr/bin:/bin', ...env },
  });

  it('loads libnut from the binary under Xvfb (screen 640x480) and extracts it under <home>/native/ only', () => {
    const home = join(dir, 'home');
    const result = selftest(home, { DISPLAY: xvfb.display });
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
    const report = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { screen: string; native: string[]; manifest: EmbeddedManifest };
    assert.equal(report.screen, '640x480');
    const hash = sha256(LIBNUT);
    assert.deepEqual(readdirSync(join(home, 'native')), [`${hash.slice(0, 16)}-libnut.node`]);
    const extracted = join(home, 'native', `${hash.slice(0, 16)}-libnut.node`);
    assert.equal(sha256(extracted), hash, 'byte for byte the addon of node_modules at build time');
    assert.equal(statSync(extracted).mode & 0o777, 0o755);
    assert.equal(statSync(join(home, 'native')).mode & 0o777, 0o700);
    assert.deepEqual(report.manifest.addons, { libnut: { asset: 'native/libnut.node', companions: [] } });
    assert.deepEqual(report.manifest.helpers, { tray: { asset: 'helpers/tray_linux_release' } });
    assert.equal(report.manifest.assets['native/libnut.node']!.sha256, hash);
    // Second run: same file reused (no rewrite), still loads.
    const mtime = statSync(extracted).mtimeMs;
    assert.equal(selftest(home, { DISPLAY: xvfb.display }).status, 0);
    assert.equal(statSync(extracted).mtimeMs, mtime);
  });

  it('the desktop worker child of the binary (`<binary> desktop-worker`, home from BOREALIS_AGENT_HOME) loads nut-js with the embedded libnut', async () => {
    const home = join(dir, 'home-worker');
    const child = spawn(LINUX_BINARY, ['desktop-worker'], {
      cwd: dir, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced',
      env: { PATH: '/usr/bin:/bin', DISPLAY: xvfb.display, BOREALIS_AGENT_HOME: home },
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
    try {
      // worker-protocol.ts (libs/roles desktop_shared): 'ping' loads the screen library and answers the screen size.
      const ask = (request: { id: number; op: string } & Record<string, unknown>) => new Promise<unknown>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer in 20 s: ${stderr}`)), 20_000);
        const onExit = (code: number | null) => { clearTimeout(timer); reject(new Error(`worker exited ${code}: ${stderr}`)); };
        child.once('message', (m) => { clearTimeout(timer); child.off('exit', onExit); resolve(m); });
        child.once('exit', onExit);
        child.send(request);
      });
      assert.deepEqual(await ask({ id: 1, op: 'ping' }), { id: 1, ok: true, result: { width: 640, height: 480 } });
      assert.deepEqual(readdirSync(join(home, 'native')), [`${sha256(LIBNUT).slice(0, 16)}-libnut.node`]);
      // A capture loads the rest of nut-js, whose node-fetch reaches the deprecated core `punycode`
      // (DEP0040 on every worker start); the bundle maps it to the npm package.
      const capture = await ask({ id: 2, op: 'capture', format: 'png', quality: 80 }) as { ok: boolean };
      assert.equal(capture.ok, true, JSON.stringify(capture).slice(0, 300));
      await new Promise((r) => setTimeout(r, 500)); // stderr is another pipe than the answer's IPC channel
      assert.doesNotMatch(stderr, /DEP0040|punycode/);
    } finally {
      child.kill();
    }
  });

  it('a tampered extracted addon is replaced, not loaded', () => {
    const home = join(dir, 'home');
    const extracted = join(home, 'native', `${sha256(LIBNUT).slice(0, 16)}-libnut.node`);
    writeFileSync(extracted, 'not an ELF');
    const result = selftest(home, { DISPLAY: xvfb.display });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(sha256(extracted), sha256(LIBNUT));
  });

  it('without a display the diagnostic refuses before touching libnut (which would crash the process)', () => {
    const result = selftest(join(dir, 'home-nodisplay'));
    assert.equal(result.status, 1);
    assert.match(result.stderr, /DISPLAY is not set/);
  });

  it('the tray helper comes from the binary: extracted to <home>/native/ (0755, same bytes as systray2\'s), started, its failure logged once', async () => {
    const home = join(dir, 'home-tray');
    // Enrolled (credentials on disk), server on a closed port: start-up (and the tray) does not depend on it.
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, 'credentials.json'), JSON.stringify({ agentId: 'a1', secret: 's1', serverUrl: 'http://127.0.0.1:9' }), { mode: 0o600 });
    const child = spawn(LINUX_BINARY, ['run', '--home', home, '--server', 'http://127.0.0.1:9'], {
      cwd: dir, env: { PATH: '/usr/bin:/bin', DISPLAY: xvfb.display, BOREALIS_TRAY: 'on' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (c: Buffer) => { output += c.toString(); });
    child.stderr!.on('data', (c: Buffer) => { output += c.toString(); });
    try {
      const until = Date.now() + 20_000;
      while (!/tray icon shown|tray helper failed/.test(output) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      const hash = sha256(TRAY);
      const helper = join(home, 'native', `${hash.slice(0, 16)}-tray_linux_release`);
      assert.equal(sha256(helper), hash, output);
      assert.equal(statSync(helper).mode & 0o777, 0o755);
      assert.match(output, new RegExp(`"helper":"${helper.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`), 'the agent started the extracted copy');
      assert.equal((output.match(/tray icon shown|tray helper failed/g) ?? []).length, 1, output);
      assert.equal(child.exitCode, null, 'the agent runs on');
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    }
  });
});
