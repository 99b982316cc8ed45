import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NATIVE_FOLDER, loadNativeAddon, type NativeAddonDeps } from './native-addon';

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
});
