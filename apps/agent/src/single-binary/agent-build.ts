import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

/** Repository root, from apps/agent/dist/single-binary. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');
export const OUT_DIR = join(REPO_ROOT, 'build', 'out');
export const LINUX_BINARY = join(OUT_DIR, 'borealis-agent-linux-x64');
export const WINDOWS_BINARY = join(OUT_DIR, 'borealis-agent-win-x64.exe');
export const WINDOWS_BLOB = join(REPO_ROOT, 'build', 'cache', 'agent', 'win-x64.blob');

/**
 * Makes sure build/out is current: the build script rebuilds a target only when its inputs
 * changed (key of bundle + toolchain lock + scripts) and holds a lock, so the specs that need the
 * binaries can all call this and one CI run builds once. The TypeScript build already ran (npm test).
 */
export function ensureAgentBinaries(): { output: string; ms: number } {
  const started = Date.now();
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'build', 'build-agent.mjs'), '--skip-tsc'], {
    cwd: REPO_ROOT, encoding: 'utf8', timeout: 10 * 60_000,
  });
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) throw new Error(`build:agent failed (${result.status ?? result.signal}):\n${output}`);
  return { output, ms: Date.now() - started };
}
