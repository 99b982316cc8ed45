import type { InventoryUpdates } from '@borealis/protocol';
import { CappedList } from './capped-list';
import type { CommandOutcome } from './command-runner';
import { collectFailed, notSupported, type CollectOutcome } from './inventory-outcome';
import { DnfCheckUpdateParser, parseAptSimulationLine, type PendingUpdate } from './linux-package-parsers';
import type { CollectorEnv } from './software-collector';
import { parseWindowsUpdateLine, powershellInvocation, windowsUpdatesScript } from './windows-powershell';

const TIMEOUT_MS = 300_000;

/**
 * `-s` simulates, so no root is needed; NoLocking keeps a running unattended-upgrade from
 * blocking it. It reads the package lists of the last `apt update` and never refreshes them:
 * refreshing needs root and network, and is the package manager's schedule, not ours.
 */
export const APT_ARGS = ['-s', '-o', 'Debug::NoLocking=true', '-o', 'APT::Get::Show-User-Simulation-Note=false', 'dist-upgrade'] as const;
/** `-C` (cache only) keeps a query from downloading metadata for minutes; exit code 100 means "updates available". */
export const DNF_ARGS = ['-q', '-C', 'check-update'] as const;

type Source = InventoryUpdates['source'];

/** Pending updates: apt, else dnf, else yum on Linux; the Windows Update Agent API on Windows. */
export async function collectUpdates(env: CollectorEnv): Promise<CollectOutcome<InventoryUpdates>> {
  if (env.os === 'windows') {
    const { file, args } = powershellInvocation(windowsUpdatesScript());
    const result = await run(env, 'windows_update', file, args, parseWindowsUpdateLine, [0]);
    return result === 'missing' ? notSupported('PowerShell is not available: the Windows Update API cannot be queried') : result;
  }
  if (env.os !== 'linux') return notSupported(`pending updates are not collected on ${env.os}`);
  const apt = await run(env, 'apt', 'apt-get', APT_ARGS, parseAptSimulationLine, [0]);
  if (apt !== 'missing') return apt;
  for (const tool of ['dnf', 'yum'] as const) {
    const parser = new DnfCheckUpdateParser();
    const result = await run(env, tool, tool, DNF_ARGS, (line) => parser.line(line), [0, 100]);
    if (result !== 'missing') return result;
  }
  return notSupported('no supported package manager for pending updates on this machine (apt-get, dnf and yum not found)');
}

async function run(
  env: CollectorEnv, source: Source, file: string, args: readonly string[], parse: (line: string) => PendingUpdate | undefined, okCodes: number[],
): Promise<CollectOutcome<InventoryUpdates> | 'missing'> {
  const list = new CappedList<PendingUpdate>(env.maxItems);
  const outcome: CommandOutcome = await env.runner.runLines({ file, args, timeoutMs: TIMEOUT_MS, signal: env.signal }, (line) => {
    const item = parse(line);
    if (item) list.push(item);
  });
  if (outcome.notFound) return 'missing';
  if (outcome.exitCode === null || !okCodes.includes(outcome.exitCode)) {
    return collectFailed(`${file} failed: ${outcome.error ?? `exit code ${outcome.exitCode}`} ${outcome.stderr.trim().slice(0, 500)}`.trim());
  }
  return { ok: true, data: { source, ...list.result() } };
}
