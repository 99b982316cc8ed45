import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_FILE } from './agent-config';

/**
 * Writes `<home>/config.json` with the server URL after the first enrollment, so a later
 * `borealis-agent run` (or a service) needs no flags. An existing file is never overwritten:
 * it may be managed by an operator. The enrollment token is never stored: it is single-use.
 */
export function rememberServerUrl(home: string, serverUrl: string): boolean {
  const path = join(home, CONFIG_FILE);
  if (existsSync(path)) return false;
  mkdirSync(home, { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify({ serverUrl }, null, 2)}\n`, { mode: 0o600 });
  return true;
}
