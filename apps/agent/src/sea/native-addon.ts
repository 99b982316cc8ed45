import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the loader needs from `node:sea` and the process; injected so it is testable outside a SEA. */
export interface NativeAddonDeps {
  isSea(): boolean;
  /** `sea.getRawAsset(name)`: the bytes embedded by the build (sea-config "assets"). */
  getAsset(name: string): ArrayBuffer;
  /** `process.dlopen`. */
  dlopen(module: { exports: unknown }, filename: string): void;
  /** Outside the SEA (from source), the addon is required from node_modules as usual. */
  requireFromSource(): unknown;
}

export const NATIVE_FOLDER = 'native';

/**
 * Loads a native addon embedded in the single binary: a `.node` file cannot be loaded from
 * memory, so it is written under `<home>/native/` (never a system folder) with its content hash in
 * the name, then `process.dlopen`ed. Same bytes -> same file, reused; a new agent version with a
 * new addon writes a new file, so a running old agent is never affected. Not used by any role yet
 * (nut-js for screenshots and input will be the first): the build embeds no asset today.
 */
export function loadNativeAddon<T>(name: string, home: string, deps: NativeAddonDeps): T {
  if (!deps.isSea()) return deps.requireFromSource() as T;
  const bytes = Buffer.from(deps.getAsset(name));
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  const folder = join(home, NATIVE_FOLDER);
  const file = join(folder, `${hash}-${name}`);
  if (!existsSync(file)) {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, bytes, { mode: 0o755 });
    renameSync(temp, file); // two agents starting at once both end with a complete file
  }
  const module = { exports: {} as unknown };
  deps.dlopen(module, file);
  return module.exports as T;
}
