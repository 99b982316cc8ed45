import { isAbsolute, join, resolve } from 'node:path';
import { assetFileName, extractEmbedded, loadNativeAddon } from './native-addon';

/**
 * The single binary's embedded files (build/agent-build/sea-target.mjs writes them as SEA assets).
 * `sea.getAssetKeys()` is missing from older Node releases (Node 20; the toolchain's 22.23 has it),
 * and a name alone says nothing about a file's role, so the build also embeds this manifest under
 * {@link MANIFEST_ASSET}: which addon and helper this target carries, with sizes and hashes.
 */
export const MANIFEST_ASSET = 'borealis/manifest.json';

export interface EmbeddedManifest {
  version: 1;
  /** `linux-x64` or `win-x64`. */
  target: string;
  /** Native addons by the name `bindings(name)` is called with (libnut: `libnut`). */
  addons: Record<string, { asset: string; companions: string[] }>;
  /** Helper executables by role (`tray`: the systray2 Go helper). */
  helpers: Record<string, { asset: string }>;
  /** Every asset with its size and sha256, for the build output and the specs. */
  assets: Record<string, { bytes: number; sha256: string }>;
}

interface SeaModule {
  isSea(): boolean;
  getAsset(name: string): ArrayBuffer;
}

function seaModule(): SeaModule | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sea = require('node:sea') as SeaModule;
    return sea.isSea() ? sea : undefined;
  } catch {
    return undefined; // Node without the sea module (20 before 20.12)
  }
}

let manifestCache: EmbeddedManifest | null | undefined;

/** The manifest of this binary; undefined from source or in a binary built without one. */
export function embeddedManifest(): EmbeddedManifest | undefined {
  if (manifestCache !== undefined) return manifestCache ?? undefined;
  manifestCache = null;
  const sea = seaModule();
  if (!sea) return undefined;
  try {
    manifestCache = JSON.parse(Buffer.from(sea.getAsset(MANIFEST_ASSET)).toString('utf8')) as EmbeddedManifest;
  } catch {
    manifestCache = null;
  }
  return manifestCache ?? undefined;
}

/**
 * The agent home for files extracted by a process that has no `--home` of its own (the
 * desktop-worker child, a bundled `bindings()` call): the agent's own rule without the flag,
 * `BOREALIS_AGENT_HOME` (run-command sets it in its environment at start, so every child inherits
 * the parent's home) else `<cwd>/.agent-home` (the CLI default; a child inherits the cwd too).
 * Never a temp folder: a shared, world-writable folder would let another user plant the file we load.
 */
export function agentHomeFromEnv(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const raw = env.BOREALIS_AGENT_HOME?.trim();
  if (!raw) return join(cwd, '.agent-home');
  return isAbsolute(raw) ? raw : resolve(cwd, raw);
}

/**
 * `require('bindings')('libnut')` inside the single binary (the esbuild plugin in
 * build/build-agent.mjs routes libnut's `bindings` call here): extracts the addon of this target
 * (and, on Windows, its DLLs into the same folder) under `<home>/native/` and dlopens it.
 */
export function loadEmbeddedAddon<T = unknown>(name: string, home: string = agentHomeFromEnv()): T {
  const bare = name.replace(/\.node$/, '');
  const manifest = embeddedManifest();
  const sea = seaModule();
  if (!manifest || !sea) throw new Error(`native addon "${bare}": not running as the single binary with an embedded manifest`);
  const addon = manifest.addons[bare];
  if (!addon) throw new Error(`native addon "${bare}" is not embedded in this ${manifest.target} binary (has: ${Object.keys(manifest.addons).join(', ') || 'none'})`);
  return loadNativeAddon<T>(addon.asset, home, {
    isSea: () => true,
    getAsset: (asset) => sea.getAsset(asset),
    dlopen: (module, filename) => process.dlopen(module, filename),
    requireFromSource: () => { throw new Error('unreachable: isSea() is true'); },
    companions: () => addon.companions,
  });
}

/**
 * Path of an embedded helper executable, extracted under `<home>/native/` with mode 0755;
 * undefined from source or when this binary has none for `role`.
 */
export function embeddedHelperPath(role: string, home: string): string | undefined {
  const manifest = embeddedManifest();
  const sea = seaModule();
  const helper = manifest?.helpers[role];
  if (!sea || !helper) return undefined;
  return extractEmbedded({ fileName: assetFileName(helper.asset), bytes: Buffer.from(sea.getAsset(helper.asset)) }, home);
}
