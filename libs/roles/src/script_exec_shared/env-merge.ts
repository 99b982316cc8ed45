import { isWindowsOs, type HostOs } from './shell-resolver';

/**
 * The script's environment: the agent's, with the payload's variables on top. Windows names
 * are case-insensitive, so an override drops every differently-cased twin (`Path` vs `PATH`)
 * instead of leaving the child two values to pick from.
 */
export function mergeEnv(base: NodeJS.ProcessEnv, overrides: Readonly<Record<string, string>>, os: HostOs): Record<string, string> {
  const merged: Record<string, string> = {};
  const overridden = new Set(Object.keys(overrides).map((k) => (isWindowsOs(os) ? k.toLowerCase() : k)));
  for (const [key, value] of Object.entries(base)) {
    if (value === undefined) continue;
    if (overridden.has(isWindowsOs(os) ? key.toLowerCase() : key)) continue;
    merged[key] = value;
  }
  return { ...merged, ...overrides };
}
