import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmbeddedManifest } from '../sea/embedded-assets';
import { REPO_ROOT, WINDOWS_BINARY, WINDOWS_BLOB, ensureAgentBinaries } from './agent-build';
import { IMAGE_FILE_MACHINE_AMD64, RT_RCDATA, parsePe, type PeInfo } from './pe-resources';

const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

// The .exe cannot run here (no Windows): this checks what Windows' loader and Node's SEA start-up
// look at, by parsing the PE structures (not a byte search).
describe('build/out/borealis-agent-win-x64.exe', { timeout: 12 * 60_000 }, () => {
  let exe: Buffer;
  let pe: PeInfo;
  before(() => {
    const build = ensureAgentBinaries();
    process.stdout.write(`# build:agent ${build.ms} ms\n${build.output.replace(/^/gm, '# ')}\n`);
    exe = readFileSync(WINDOWS_BINARY);
    pe = parsePe(exe);
  });

  it('is a 64-bit x64 console PE', () => {
    assert.equal(exe.toString('latin1', 0, 2), 'MZ');
    assert.equal(pe.machine, IMAGE_FILE_MACHINE_AMD64);
    assert.equal(pe.magic, 0x20b, 'PE32+');
    assert.equal(pe.subsystem, 3, 'console subsystem: the CLI prints; the logon task hides it with conhost --headless');
    assert.ok(pe.sections.some((s) => s.name === '.rsrc'));
  });

  it('holds the SEA blob as RT_RCDATA "NODE_SEA_BLOB", byte for byte the blob the build made', () => {
    const blobs = pe.resources.filter((r) => r.type === RT_RCDATA && r.name === 'NODE_SEA_BLOB');
    assert.equal(blobs.length, 1, JSON.stringify(pe.resources.map((r) => [r.type, r.name])));
    const expected = readFileSync(WINDOWS_BLOB);
    const blob = blobs[0]!;
    assert.equal(blob.size, expected.length);
    assert.ok(exe.subarray(blob.offset, blob.offset + blob.size).equals(expected));
  });

  it('has the SEA fuse flipped (Node only looks for the blob then) and no Authenticode signature left', () => {
    assert.ok(exe.includes(Buffer.from(`${SEA_FUSE}:1`)), 'fuse set to 1');
    assert.ok(!exe.includes(Buffer.from(`${SEA_FUSE}:0`)));
    // Security directory (entry 4): postject ran on an unsigned copy, so a stale signature cannot make Windows reject it.
    const optional = exe.readUInt32LE(0x3c) + 24;
    assert.equal(exe.readUInt32LE(optional + 112 + 4 * 8 + 4), 0, 'certificate table size is 0');
  });

  it('carries libnut\'s win32 addon with its DLLs and the Windows tray helper as SEA assets, listed in the manifest', () => {
    const blob = pe.resources.find((r) => r.type === RT_RCDATA && r.name === 'NODE_SEA_BLOB')!;
    const sea = exe.subarray(blob.offset, blob.offset + blob.size);
    const release = join(REPO_ROOT, 'node_modules', '@nut-tree-fork', 'libnut-win32', 'build', 'Release');
    const dlls = ['api-ms-win-crt-heap-l1-1-0.dll', 'api-ms-win-crt-runtime-l1-1-0.dll', 'api-ms-win-crt-string-l1-1-0.dll',
      'msvcp140.dll', 'vcruntime140.dll', 'vcruntime140_1.dll'];
    const expected: Record<string, string> = {
      'native/libnut.node': join(release, 'libnut.node'),
      ...Object.fromEntries(dlls.map((dll) => [`native/${dll}`, join(release, dll)])),
      'helpers/tray_windows_release.exe': join(REPO_ROOT, 'node_modules', 'systray2', 'traybin', 'tray_windows_release.exe'),
    };
    // The manifest asset: JSON embedded as-is; find it by its opening.
    const start = sea.indexOf(Buffer.from('{\n  "version": 1,\n  "target": "win-x64"'));
    assert.ok(start >= 0, 'manifest embedded');
    const end = sea.indexOf(Buffer.from('\n}\n'), start) + 3;
    const manifest = JSON.parse(sea.subarray(start, end).toString('utf8')) as EmbeddedManifest;
    assert.deepEqual(manifest.addons, { libnut: { asset: 'native/libnut.node', companions: dlls.map((d) => `native/${d}`) } });
    assert.deepEqual(manifest.helpers, { tray: { asset: 'helpers/tray_windows_release.exe' } });
    assert.deepEqual(Object.keys(manifest.assets).sort(), Object.keys(expected).sort());
    for (const [asset, path] of Object.entries(expected)) {
      const bytes = readFileSync(path);
      assert.ok(sea.includes(Buffer.from(asset)), `asset name ${asset} in the blob`);
      assert.ok(sea.includes(bytes), `bytes of ${asset} in the blob`);
      assert.equal(manifest.assets[asset]!.sha256, createHash('sha256').update(bytes).digest('hex'));
      assert.equal(manifest.assets[asset]!.bytes, bytes.length);
    }
    assert.equal(readFileSync(join(REPO_ROOT, 'node_modules', 'systray2', 'traybin', 'tray_windows_release.exe')).toString('latin1', 0, 2), 'MZ');
  });
});
