import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The fields of /proc/<pid>/stat that tell who belongs to a run. */
export interface ProcEntry {
  pid: number;
  ppid: number;
  pgrp: number;
  session: number;
  /** `Z` (zombie) and `X` (dead) cannot be signalled any more. */
  state: string;
}

/** Parses /proc/<pid>/stat; `comm` may contain spaces and parentheses, so split after the last ')'. */
export function parseProcStat(text: string): ProcEntry | undefined {
  const close = text.lastIndexOf(')');
  const pid = Number.parseInt(text, 10);
  if (close < 0 || !Number.isInteger(pid)) return undefined;
  const [state, ppid, pgrp, session] = text.slice(close + 2).split(' ');
  const numbers = [ppid, pgrp, session].map((n) => Number.parseInt(n ?? '', 10));
  if (!state || numbers.some((n) => !Number.isInteger(n))) return undefined;
  return { pid, ppid: numbers[0]!, pgrp: numbers[1]!, session: numbers[2]!, state };
}

/** Every process visible in /proc (processes that vanish while reading are skipped). */
export async function readProcessTable(procRoot = '/proc'): Promise<ProcEntry[]> {
  const names = (await readdir(procRoot)).filter((n) => /^\d+$/.test(n));
  const entries = await Promise.all(
    names.map((n) => readFile(join(procRoot, n, 'stat'), 'utf8').then(parseProcStat, () => undefined)),
  );
  return entries.filter((e): e is ProcEntry => e !== undefined);
}

/**
 * Finds every process that belongs to a run started as `rootPid` in its own session:
 * its descendants, plus everything sharing a process group or session with them, which
 * still catches background children after their parent died and they were re-parented.
 * The groups seen are remembered across snapshots for exactly that reason.
 */
export class ProcessTreeTracker {
  private readonly pgrps = new Set<number>();
  private readonly sessions = new Set<number>();

  /** `self` is the agent: its own group and session are never targets. */
  constructor(private readonly rootPid: number, private readonly self: ProcEntry) {}

  targets(table: readonly ProcEntry[]): number[] {
    const children = new Map<number, number[]>();
    for (const p of table) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
    const byPid = new Map(table.map((p) => [p.pid, p]));
    const tree = new Set<number>();
    const queue = byPid.has(this.rootPid) ? [this.rootPid] : [];
    while (queue.length > 0) {
      const pid = queue.shift()!;
      if (tree.has(pid)) continue;
      tree.add(pid);
      queue.push(...(children.get(pid) ?? []));
    }
    for (const pid of tree) {
      const p = byPid.get(pid)!;
      if (p.pgrp > 1 && p.pgrp !== this.self.pgrp) this.pgrps.add(p.pgrp);
      if (p.session > 1 && p.session !== this.self.session) this.sessions.add(p.session);
    }
    return table
      .filter((p) => p.pid > 1 && p.pid !== this.self.pid && p.state !== 'Z' && p.state !== 'X')
      .filter((p) => tree.has(p.pid) || this.pgrps.has(p.pgrp) || this.sessions.has(p.session))
      .map((p) => p.pid);
  }
}
