import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceKind } from './service-backend';

export const INSTALL_FILE = 'install.json';

/** `<home>/install.json`: how this home was installed, so remove/repair/status need no guessing. */
export interface InstallRecord {
  service: ServiceKind;
  binary: string;
  version: string;
  installedAt: string;
  /** Windows: the user the logon task runs as (absent: any user). */
  user?: string;
}

export function readInstallRecord(home: string): InstallRecord | undefined {
  const path = join(home, INSTALL_FILE);
  if (!existsSync(path)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<InstallRecord>;
    if (parsed && typeof parsed.service === 'string' && typeof parsed.binary === 'string') return parsed as InstallRecord;
  } catch {
    /* unreadable: treated as not installed; repair rewrites it */
  }
  return undefined;
}

export function writeInstallRecord(home: string, record: InstallRecord): void {
  writeFileSync(join(home, INSTALL_FILE), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o644 });
}
