import { basename, join, win32 } from 'node:path';

/**
 * Where an installed agent lives. Everything (binary copy, credentials, config, logs, Roles/,
 * crash-loop history) is under one home folder; the only thing outside it is the service
 * manager's registration (the systemd unit, the Windows scheduled task).
 */
export interface InstallLayout {
  home: string;
  /** The installed copy of the binary, inside home. */
  binary: string;
  /** systemd unit name or Windows task name. */
  serviceName: string;
}

export const LINUX_HOME = '/opt/borealis-agent';
/** Not under ProgramData or Program Files: one short folder an operator finds and removes whole. */
export const WINDOWS_HOME = 'C:\\Borealis\\Agent';
export const SYSTEMD_SERVICE = 'borealis-agent';
export const WINDOWS_TASK = 'Borealis Agent';

export function defaultInstallHome(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? WINDOWS_HOME : LINUX_HOME;
}

export function installLayout(home: string, platform: NodeJS.Platform = process.platform): InstallLayout {
  const windows = platform === 'win32';
  return {
    home,
    binary: windows ? win32.join(home, 'borealis-agent.exe') : join(home, 'borealis-agent'),
    serviceName: windows ? WINDOWS_TASK : SYSTEMD_SERVICE,
  };
}

/**
 * Names a remove may delete as a whole folder: refusing `/`, `C:\` or a top-level system folder
 * protects against `remove --home /` typos; an agent home is at least two levels deep.
 */
export function isSafeToDelete(home: string, platform: NodeJS.Platform = process.platform): boolean {
  const parts = (platform === 'win32' ? win32.normalize(home).split(/[\\/]+/) : home.split('/')).filter(Boolean);
  return parts.length >= 2 && basename(home) !== '..';
}
