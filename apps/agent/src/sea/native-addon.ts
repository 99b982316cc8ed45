import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the loader needs from `node:sea` and the process; injected so it is testable outside a SEA. */
export interface NativeAddonDeps {
  isSea(): boolean;
  /** `sea.getAsset(name)`: the bytes embedded by the build (sea-config "assets"). */
  getAsset(name: string): ArrayBuffer;
  /** `process.dlopen`. */
  dlopen(module: { exports: unknown }, filename: string): void;
  /** Outside the SEA (from source), the addon is required from node_modules as usual. */
  requireFromSource(): unknown;
  /**
   * Files the addon needs beside it (Windows: the MSVC runtime DLLs libnut ships, found by the
   * loader in the addon's own folder), by asset name; none by default.
   */
  companions?(name: string): string[];
}

export const NATIVE_FOLDER = 'native';

/** One file to put on disk: its name there, its bytes, its mode. */
export interface ExtractedFile {
  fileName: string;
  bytes: Buffer;
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Writes `bytes` to `path` unless a file with exactly these bytes is there; temp file + rename, so
 * two agents starting at once both end with a complete file and nobody reads half of one. An
 * existing file is compared by content, not trusted by name: a truncated or altered file is
 * replaced, never loaded.
 */
function writeIfDifferent(path: string, bytes: Buffer, mode: number): void {
  if (existsSync(path)) {
    try {
      if (sha256(readFileSync(path)) === sha256(bytes)) {
        chmodSync(path, mode);
        return;
      }
    } catch {
      /* unreadable: rewrite below */
    }
  }
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, bytes, { mode });
  chmodSync(temp, mode); // writeFileSync's mode is filtered by the umask
  renameSync(temp, path);
}

/**
 * Puts an embedded file (a native addon, a helper executable) on disk under `<home>/native/`
 * (never a system folder), named by its content hash, mode 0755, and returns its path:
 * - alone: `<home>/native/<hash16>-<fileName>`;
 * - with companions (DLLs the addon loads by name from its own folder):
 *   `<home>/native/<hash16>/<fileName>` beside the companions, the hash covering all of them.
 * Same bytes -> same path, reused; a new agent version with new bytes gets a new path, so a file a
 * running old agent (or its worker) has loaded is never overwritten (Windows could not anyway).
 */
export function extractEmbedded(main: ExtractedFile, home: string, companions: ExtractedFile[] = []): string {
  const root = join(home, NATIVE_FOLDER);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  if (companions.length === 0) {
    const file = join(root, `${sha256(main.bytes).slice(0, 16)}-${main.fileName}`);
    writeIfDifferent(file, main.bytes, 0o755);
    return file;
  }
  const all = createHash('sha256');
  for (const f of [main, ...companions]) all.update(f.fileName).update('\0').update(sha256(f.bytes));
  const folder = join(root, all.digest('hex').slice(0, 16));
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  // Companions first: the addon is loaded only once everything it links against is in place.
  for (const f of companions) writeIfDifferent(join(folder, f.fileName), f.bytes, 0o755);
  const file = join(folder, main.fileName);
  writeIfDifferent(file, main.bytes, 0o755);
  return file;
}

/** Last path segment of an asset name (`native/libnut.node` -> `libnut.node`). */
export function assetFileName(asset: string): string {
  return asset.slice(asset.lastIndexOf('/') + 1);
}

/**
 * Loads a native addon embedded in the single binary: a `.node` file cannot be loaded from
 * memory, so it is extracted under `<home>/native/` (see {@link extractEmbedded}) and
 * `process.dlopen`ed. From source (not a SEA) it is required from node_modules as usual.
 */
export function loadNativeAddon<T>(name: string, home: string, deps: NativeAddonDeps): T {
  if (!deps.isSea()) return deps.requireFromSource() as T;
  const main = { fileName: assetFileName(name), bytes: Buffer.from(deps.getAsset(name)) };
  const companions = (deps.companions?.(name) ?? []).map((asset) => ({ fileName: assetFileName(asset), bytes: Buffer.from(deps.getAsset(asset)) }));
  const file = extractEmbedded(main, home, companions);
  const module = { exports: {} as unknown };
  deps.dlopen(module, file);
  return module.exports as T;
}
