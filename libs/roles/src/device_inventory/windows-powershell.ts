import type { SoftwareItem } from '@borealis/protocol';
import { clip } from './capped-list';
import type { PendingUpdate } from './linux-package-parsers';

/**
 * Windows inventory through PowerShell 5 (present on every supported Windows). Scripts go in
 * `-EncodedCommand` (UTF-16LE base64) so no quoting can break them, and print one tab-separated
 * line per entry in UTF-8, which the role parses as a stream like the Linux listings.
 */
export function powershellInvocation(script: string): { file: string; args: string[] } {
  const prelude = '$ProgressPreference="SilentlyContinue"; [Console]::OutputEncoding=[Text.Encoding]::UTF8; ';
  return {
    file: 'powershell.exe',
    args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', Buffer.from(prelude + script, 'utf16le').toString('base64')],
  };
}

/** The three Uninstall keys: 64-bit machine, 32-bit machine (WOW6432Node), and the current user. */
export const UNINSTALL_KEYS = [
  { scope: 'machine64', path: 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*' },
  { scope: 'machine32', path: 'HKLM:\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*' },
  { scope: 'user', path: 'HKCU:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*' },
] as const;

/** Tabs and line breaks inside values would split a record: the script replaces them with spaces. */
const CLEAN = "-replace '[\\t\\r\\n]',' '";

export function windowsSoftwareScript(): string {
  const keys = UNINSTALL_KEYS.map((k) => `@('${k.scope}','${k.path}')`).join(',');
  return [
    `foreach ($k in @(${keys})) {`,
    '  Get-ItemProperty -Path $k[1] -ErrorAction SilentlyContinue |',
    // Entries without a DisplayName (and system components, patches) are not shown in "Apps" either.
    '    Where-Object { $_.DisplayName -and -not $_.SystemComponent -and -not $_.ParentKeyName } |',
    `    ForEach-Object { "{0}\`t{1}\`t{2}\`t{3}" -f $k[0], ($_.DisplayName ${CLEAN}), ([string]$_.DisplayVersion ${CLEAN}), ([string]$_.Publisher ${CLEAN}) }`,
    '}',
  ].join('\n');
}

export function parseWindowsSoftwareLine(line: string): SoftwareItem | undefined {
  const [scope, name, version, publisher] = line.split('\t');
  if (!name || (scope !== 'machine64' && scope !== 'machine32' && scope !== 'user')) return undefined;
  return { name: clip(name.trim()), version: clip((version ?? '').trim()), ...(publisher?.trim() ? { publisher: clip(publisher.trim()) } : {}), scope };
}

/**
 * Windows Update Agent COM API: what Windows Update would install (not installed, not hidden).
 * Reads the local cache plus the configured service; can take a minute on a cold machine.
 */
export function windowsUpdatesScript(): string {
  return [
    '$session = New-Object -ComObject Microsoft.Update.Session',
    '$result = $session.CreateUpdateSearcher().Search("IsInstalled=0 and IsHidden=0")',
    'foreach ($u in $result.Updates) {',
    "  $kb = ($u.KBArticleIDs | ForEach-Object { 'KB' + $_ }) -join ','",
    "  $cats = ($u.Categories | ForEach-Object { $_.Name }) -join ','",
    `  "{0}\`t{1}\`t{2}\`t{3}" -f ($u.Title ${CLEAN}), $kb, [string]$u.MsrcSeverity, ($cats ${CLEAN})`,
    '}',
  ].join('\n');
}

export function parseWindowsUpdateLine(line: string): PendingUpdate | undefined {
  const [title, kb, severity, categories] = line.split('\t');
  if (!title?.trim() || kb === undefined) return undefined;
  const security = Boolean(severity?.trim()) || /security/i.test(categories ?? '');
  return {
    name: clip(title.trim(), 512),
    ...(kb ? { availableVersion: clip(kb) } : {}),
    ...(categories?.trim() ? { repository: clip(categories.trim(), 512) } : {}),
    security,
  };
}
