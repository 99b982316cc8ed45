import type { SoftwareItem } from '@borealis/protocol';
import { clip } from './capped-list';

/** `dpkg-query -W -f=...`: package, version, architecture and the status abbreviation, tab-separated. */
export const DPKG_QUERY_ARGS = ['-W', '-f=${Package}\\t${Version}\\t${Architecture}\\t${db:Status-Abbrev}\\n'] as const;
/** `rpm -qa --qf ...`: name, version-release, arch. */
export const RPM_QUERY_ARGS = ['-qa', '--qf', '%{NAME}\\t%{VERSION}-%{RELEASE}\\t%{ARCH}\\n'] as const;

/**
 * One dpkg-query line, or undefined for packages that are not installed: dpkg keeps removed
 * packages whose config files remain ("rc"); only a second status letter `i` means installed.
 */
export function parseDpkgLine(line: string): SoftwareItem | undefined {
  const [name, version, arch, status] = line.split('\t');
  if (!name || version === undefined || status === undefined || status[1] !== 'i') return undefined;
  return { name: clip(name), version: clip(version), ...(arch ? { arch: clip(arch, 32) } : {}) };
}

export function parseRpmLine(line: string): SoftwareItem | undefined {
  const [name, version, arch] = line.split('\t');
  if (!name || version === undefined) return undefined;
  // gpg-pubkey entries have no architecture: rpm prints "(none)".
  return { name: clip(name), version: clip(version), ...(arch && arch !== '(none)' ? { arch: clip(arch, 32) } : {}) };
}

export interface PendingUpdate {
  name: string;
  currentVersion?: string;
  availableVersion?: string;
  repository?: string;
  security?: boolean;
}

/**
 * `apt-get -s dist-upgrade` prints one `Inst` line per package it would install or upgrade:
 * `Inst bash [5.2.15-2] (5.2.15-2+b7 Debian:12.8/stable [amd64])`; new packages have no `[current]`.
 */
const APT_INST = /^Inst (\S+) (?:\[([^\]]*)\] )?\((\S+)(?: ([^[)]*?))?(?: \[[^\]]*\])?\)/;

export function parseAptSimulationLine(line: string): PendingUpdate | undefined {
  const match = APT_INST.exec(line);
  if (!match) return undefined;
  const [, name, current, available, repos] = match;
  const repository = repos?.trim() || undefined;
  return {
    name: clip(name, 512),
    ...(current ? { currentVersion: clip(current) } : {}),
    availableVersion: clip(available),
    ...(repository ? { repository: clip(repository, 512), security: /security/i.test(repository) } : {}),
  };
}

/**
 * `dnf check-update` / `yum check-update` print `name.arch  version  repo`, after a metadata line
 * and a blank one; a long name wraps the rest onto the next line. "Obsoleting Packages" ends the list.
 */
export class DnfCheckUpdateParser {
  private pendingName: string | undefined;
  private done = false;

  line(line: string): PendingUpdate | undefined {
    if (this.done) return undefined;
    if (/^Obsoleting Packages/i.test(line)) {
      this.done = true;
      return undefined;
    }
    const fields = line.trim().split(/\s+/).filter(Boolean);
    if (fields.length === 0 || /^(Last metadata|Security:|Loaded plugins|Loading mirror)/i.test(line.trim())) return undefined;
    if (this.pendingName && fields.length === 2 && /^\s/.test(line)) {
      const name = this.pendingName;
      this.pendingName = undefined;
      return { name: clip(name, 512), availableVersion: clip(fields[0]), repository: clip(fields[1], 512) };
    }
    this.pendingName = undefined;
    if (fields.length === 1 && fields[0]!.includes('.')) {
      this.pendingName = fields[0];
      return undefined;
    }
    if (fields.length !== 3 || !fields[0]!.includes('.')) return undefined;
    return { name: clip(fields[0], 512), availableVersion: clip(fields[1]), repository: clip(fields[2], 512) };
  }
}
