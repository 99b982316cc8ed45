import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentHomeFromEnv } from './embedded-assets';
import { NATIVE_FOLDER, extractEmbedded, loadNativeAddon, type NativeAddonDeps } from './native-addon';

function fakeDeps(bytes: Buffer, sea = true) {
  const opened: string[] = [];
  const deps: NativeAddonDeps = {
    isSea: () => sea,
    getAsset: () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer,
    dlopen: (module, filename) => {
      opened.push(filename);
      (module as { exports: unknown }).exports = { loadedFrom: filename };
    },
    requireFromSource: () => ({ fromSource: true }),
  };
  return { deps, opened };
}

describe('loadNativeAddon', () => {
  it('writes the embedded addon under <home>/native once per content and dlopens it', () => {
    const home = mkdtempSync(join(tmpdir(), 'borealis-native-'));
    try {
      const v1 = fakeDeps(Buffer.from('ELF v1'));
      const first = loadNativeAddon<{ loadedFrom: string }>('libnut.node', home, v1.deps);
      const file = first.loadedFrom;
      assert.ok(file.startsWith(join(home, NATIVE_FOLDER)) && file.endsWith('-libnut.node'));
      assert.equal(readFileSync(file, 'utf8'), 'ELF v1');
      assert.equal(statSync(file).mode & 0o777, 0o755);
      loadNativeAddon('libnut.node', home, v1.deps);
      assert.deepEqual(v1.opened, [file, file], 'same content: same file, reused');
      const v2 = fakeDeps(Buffer.from('ELF v2'));
      assert.notEqual(loadNativeAddon<{ loadedFrom: string }>('libnut.node', home, v2.deps).loadedFrom, file);
      assert.equal(readdirSync(join(home, NATIVE_FOLDER)).length, 2, 'a new version never overwrites a file an old agent may use');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('requires from node_modules when not running as the single binary', () => {
    assert.deepEqual(loadNativeAddon('libnut.node', '/nonexistent', fakeDeps(Buffer.alloc(0), false).deps), { fromSource: true });
  });

  it('puts an addon with companions (Windows DLLs) in one folder per content, companions first, by their own names', () => {
    const home = mkdtempSync(join(tmpdir(), 'borealis-native-'));
    try {
      const assets: Record<string, Buffer> = { 'native/libnut.node': Buffer.from('PE addon'), 'native/msvcp140.dll': Buffer.from('PE dll') };
      const opened: string[] = [];
      const deps: NativeAddonDeps = {
        isSea: () => true,
        getAsset: (name) => { const b = assets[name]!; return b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer; },
        dlopen: (module, filename) => {
          opened.push(filename);
          assert.ok(readFileSync(join(filename, '..', 'msvcp140.dll')).equals(assets['native/msvcp140.dll']!), 'the DLL is in place before dlopen');
        },
        requireFromSource: () => ({}),
        companions: () => ['native/msvcp140.dll'],
      };
      loadNativeAddon('native/libnut.node', home, deps);
      const folder = readdirSync(join(home, NATIVE_FOLDER));
      assert.equal(folder.length, 1);
      assert.match(folder[0]!, /^[0-9a-f]{16}$/);
      assert.deepEqual(readdirSync(join(home, NATIVE_FOLDER, folder[0]!)).sort(), ['libnut.node', 'msvcp140.dll']);
      assert.equal(opened[0], join(home, NATIVE_FOLDER, folder[0]!, 'libnut.node'));
      assets['native/msvcp140.dll'] = Buffer.from('PE dll v2');
      loadNativeAddon('native/libnut.node', home, deps);
      assert.equal(readdirSync(join(home, NATIVE_FOLDER)).length, 2, 'a changed DLL means a new folder; the old one stays for a running agent');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('rewrites an extracted file whose bytes differ instead of trusting its name', () => {
    const home = mkdtempSync(join(tmpdir(), 'borealis-native-'));
    try {
      const file = extractEmbedded({ fileName: 'helper', bytes: Buffer.from('good') }, home);
      writeFileSync(file, 'evil');
      assert.equal(extractEmbedded({ fileName: 'helper', bytes: Buffer.from('good') }, home), file);
      assert.equal(readFileSync(file, 'utf8'), 'good');
      assert.equal(statSync(file).mode & 0o777, 0o755);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('a child without --home finds the agent home in BOREALIS_AGENT_HOME, else <cwd>/.agent-home (never a temp folder)', () => {
    assert.equal(agentHomeFromEnv({ BOREALIS_AGENT_HOME: '/opt/borealis-agent' }, '/x'), '/opt/borealis-agent');
    assert.equal(agentHomeFromEnv({ BOREALIS_AGENT_HOME: 'rel' }, '/x'), '/x/rel');
    assert.equal(agentHomeFromEnv({ BOREALIS_AGENT_HOME: ' ' }, '/x'), '/x/.agent-home');
    assert.equal(agentHomeFromEnv({}, '/x'), '/x/.agent-home');
  });
});
