import type { InventoryProcesses } from '@borealis/protocol';
import { CappedList, clip } from './capped-list';
import type { CommandRunner } from './command-runner';
import { collectFailed, type CollectOutcome } from './inventory-outcome';
import type { SystemInfoSource } from './system-info-source';

type ProcessItem = InventoryProcesses['items'][number];

/**
 * One `ps` for the whole list. systeminformation's Linux path forks one `cat /proc/<pid>/stat`
 * per process (~2 s for 120 processes here), so Linux reads `ps` directly; CPU % is then ps's
 * figure (CPU time over the process lifetime). `user:64` keeps long user names whole.
 */
export const PS_ARGS = ['-axo', 'pid=,pcpu=,rss=,user:64=,comm='] as const;

export function parsePsLine(line: string): ProcessItem | undefined {
  const match = /^\s*(\d+)\s+([\d.]+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line);
  if (!match) return undefined;
  const [, pid, cpu, rssKib, user, name] = match;
  return { pid: Number(pid), name: clip(name!.trim()), user: clip(user), cpuPercent: Number(cpu) || 0, memoryBytes: Number(rssKib) * 1024 };
}

/** Running processes: `ps` on Linux, systeminformation (WMI, ps) elsewhere; memory in bytes, sorted by pid. */
export async function collectProcesses(
  env: { os: string; runner: CommandRunner; signal: AbortSignal; maxItems?: number }, source: SystemInfoSource,
): Promise<CollectOutcome<InventoryProcesses>> {
  const capped = new CappedList<ProcessItem>(env.maxItems);
  if (env.os === 'linux') {
    const outcome = await env.runner.runLines({ file: 'ps', args: PS_ARGS, timeoutMs: 30_000, signal: env.signal }, (line) => {
      const item = parsePsLine(line);
      if (item) capped.push(item);
    });
    if (outcome.exitCode !== 0) return collectFailed(`ps failed: ${outcome.error ?? `exit code ${outcome.exitCode}`} ${outcome.stderr.trim()}`.trim());
  } else {
    const { list } = await source.processes();
    for (const p of list) {
      capped.push({
        pid: p.pid, name: clip(p.name), user: clip(p.user),
        cpuPercent: Number.isFinite(p.cpu) && p.cpu > 0 ? Math.round(p.cpu * 10) / 10 : 0,
        // systeminformation reports RSS in KiB on every platform.
        memoryBytes: Number.isFinite(p.memRss) && p.memRss > 0 ? p.memRss * 1024 : 0,
      });
    }
  }
  capped.items.sort((a, b) => a.pid - b.pid);
  return { ok: true, data: capped.result() };
}
