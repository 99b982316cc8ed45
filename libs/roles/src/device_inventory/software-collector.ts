import type { InventorySoftware, SoftwareItem } from '@borealis/protocol';
import { CappedList } from './capped-list';
import type { CommandRunner } from './command-runner';
import { collectFailed, notSupported, type CollectOutcome } from './inventory-outcome';
import { DPKG_QUERY_ARGS, RPM_QUERY_ARGS, parseDpkgLine, parseRpmLine } from './linux-package-parsers';
import { parseWindowsSoftwareLine, powershellInvocation, windowsSoftwareScript } from './windows-powershell';

export interface CollectorEnv {
  os: string;
  runner: CommandRunner;
  signal: AbortSignal;
  maxItems?: number;
}

const TIMEOUT_MS = 120_000;

/** Installed software: dpkg, else rpm on Linux; the registry Uninstall keys on Windows. */
export async function collectSoftware(env: CollectorEnv): Promise<CollectOutcome<InventorySoftware>> {
  if (env.os === 'windows') {
    const { file, args } = powershellInvocation(windowsSoftwareScript());
    const registry = await fromListing(env, 'registry', file, args, parseWindowsSoftwareLine);
    return registry === 'missing' ? notSupported('PowerShell is not available: the registry Uninstall keys cannot be read') : registry;
  }
  if (env.os !== 'linux') return notSupported(`installed software is not collected on ${env.os}`);
  const dpkg = await fromListing(env, 'dpkg', 'dpkg-query', DPKG_QUERY_ARGS, parseDpkgLine);
  if (dpkg !== 'missing') return dpkg;
  const rpm = await fromListing(env, 'rpm', 'rpm', RPM_QUERY_ARGS, parseRpmLine);
  if (rpm !== 'missing') return rpm;
  return notSupported('no supported package database on this machine (dpkg-query and rpm not found)');
}

async function fromListing(
  env: CollectorEnv, source: InventorySoftware['source'], file: string, args: readonly string[], parse: (line: string) => SoftwareItem | undefined,
): Promise<CollectOutcome<InventorySoftware> | 'missing'> {
  const list = new CappedList<SoftwareItem>(env.maxItems);
  const outcome = await env.runner.runLines({ file, args, timeoutMs: TIMEOUT_MS, signal: env.signal }, (line) => {
    const item = parseLine(parse, line);
    if (item) list.push(item);
  });
  if (outcome.notFound) return 'missing';
  if (outcome.exitCode !== 0) {
    return collectFailed(`${file} failed: ${outcome.error ?? `exit code ${outcome.exitCode}`} ${outcome.stderr.trim()}`.trim());
  }
  list.items.sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  return { ok: true, data: { source, ...list.result() } };
}

/** One unparsable line is skipped, never fatal for the whole listing. */
function parseLine<T>(parse: (line: string) => T | undefined, line: string): T | undefined {
  try {
    return parse(line);
  } catch {
    return undefined;
  }
}
