import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { WINDOWS_BINARY, WINDOWS_BLOB, ensureAgentBinaries } from './agent-build';
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
});
