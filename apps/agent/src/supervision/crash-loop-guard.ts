import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SupervisionConfig } from './supervision-config';

export const STARTS_FILE = 'starts.json';

type Settings = Pick<SupervisionConfig, 'crashLoopStarts' | 'crashLoopWindowMs' | 'crashLoopBaseDelayMs' | 'crashLoopMaxDelayMs'>;

export interface StartDecision {
  /** Wait this long before starting (0: start now). */
  delayMs: number;
  /** Starts inside the window, this one included. */
  recentStarts: number;
}

/** Where the start history lives; a temp folder in tests. */
export interface StartsStore {
  read(): number[];
  write(starts: number[]): void;
}

/**
 * Crash-loop back-off: every `run` records its start time in `<home>/starts.json`. When the
 * service manager restarts us `crashLoopStarts` times within the window (a crash at start, a
 * server that refuses us, a bad role), each further start waits base, 2 x base, 4 x base... capped: the
 * machine is not hammered and the log stays readable. A process that stays up simply ages out
 * of the window, so a healthy agent restarts without delay.
 */
export class CrashLoopGuard {
  constructor(
    private readonly settings: Settings,
    private readonly store: StartsStore,
    private readonly now: () => number = Date.now,
  ) {}

  recordStart(): StartDecision {
    const now = this.now();
    const windowStart = now - this.settings.crashLoopWindowMs;
    const starts = this.store.read().filter((t) => t > windowStart && t <= now);
    starts.push(now);
    // Keep a bounded history: only the window matters.
    this.store.write(starts.slice(-Math.max(this.settings.crashLoopStarts * 4, 50)));
    const extra = starts.length - this.settings.crashLoopStarts;
    if (extra <= 0) return { delayMs: 0, recentStarts: starts.length };
    const delayMs = Math.min(this.settings.crashLoopMaxDelayMs, this.settings.crashLoopBaseDelayMs * 2 ** Math.min(extra - 1, 30));
    return { delayMs, recentStarts: starts.length };
  }
}

/** `<home>/starts.json`; unreadable or corrupt means "no history" (never a reason not to start). */
export function fileStartsStore(home: string): StartsStore {
  const path = join(home, STARTS_FILE);
  return {
    read: () => {
      try {
        const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
        return Array.isArray(parsed) ? parsed.filter((t): t is number => typeof t === 'number' && Number.isFinite(t)) : [];
      } catch {
        return [];
      }
    },
    write: (starts) => {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      const tmp = `${path}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(starts)}\n`, { mode: 0o600 });
      renameSync(tmp, path);
    },
  };
}
