/**
 * Self-supervision settings (`supervision` in `<home>/config.json`). The agent lives for weeks
 * under systemd or a scheduled task without a watchdog process: it watches itself and exits
 * non-zero when it is unhealthy, so the service manager starts a fresh process.
 */
export interface SupervisionConfig {
  /** How often lag and memory are checked. */
  readonly checkIntervalMs: number;
  /** Event-loop delay (p99 over one check interval) above which the loop counts as stalled. */
  readonly eventLoopLagMs: number;
  /** RSS above which the agent counts as over its memory ceiling. */
  readonly memoryCeilingMb: number;
  /** A stall or an RSS over the ceiling must last this long before the agent exits (GC and bursts pass). */
  readonly sustainMs: number;
  /** Crash-loop back-off: more than this many starts within `crashLoopWindowMs` ... */
  readonly crashLoopStarts: number;
  readonly crashLoopWindowMs: number;
  /** ... delay each further start by base, 2 x base, 4 x base..., capped. */
  readonly crashLoopBaseDelayMs: number;
  readonly crashLoopMaxDelayMs: number;
}

export const DEFAULT_SUPERVISION: SupervisionConfig = Object.freeze({
  checkIntervalMs: 10_000,
  eventLoopLagMs: 2_000,
  memoryCeilingMb: 512,
  sustainMs: 60_000,
  crashLoopStarts: 5,
  crashLoopWindowMs: 10 * 60_000,
  crashLoopBaseDelayMs: 5_000,
  crashLoopMaxDelayMs: 5 * 60_000,
});

/** config.json keys (human units) -> field, scale to ms/MB, and allowed range. */
const FIELDS: ReadonlyArray<[key: string, field: keyof SupervisionConfig, scale: number, min: number, max: number]> = [
  ['checkIntervalSeconds', 'checkIntervalMs', 1000, 1, 3600],
  ['eventLoopLagMs', 'eventLoopLagMs', 1, 50, 600_000],
  ['memoryCeilingMb', 'memoryCeilingMb', 1, 64, 65_536],
  ['sustainSeconds', 'sustainMs', 1000, 1, 86_400],
  ['crashLoopStarts', 'crashLoopStarts', 1, 2, 1000],
  ['crashLoopWindowMinutes', 'crashLoopWindowMs', 60_000, 1, 1440],
  ['crashLoopBaseDelaySeconds', 'crashLoopBaseDelayMs', 1000, 0, 3600],
  ['crashLoopMaxDelaySeconds', 'crashLoopMaxDelayMs', 1000, 0, 86_400],
];

/** Reads the `supervision` object of config.json; pushes every problem, keeps defaults for bad values. */
export function parseSupervision(raw: unknown, problems: string[]): SupervisionConfig {
  if (raw === undefined) return DEFAULT_SUPERVISION;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push('config.json: "supervision" must be an object');
    return DEFAULT_SUPERVISION;
  }
  const input = raw as Record<string, unknown>;
  const result: Record<string, number> = { ...DEFAULT_SUPERVISION };
  const known = new Set(FIELDS.map(([key]) => key));
  for (const key of Object.keys(input)) {
    if (!known.has(key)) problems.push(`config.json: unknown setting "supervision.${key}"`);
  }
  for (const [key, field, scale, min, max] of FIELDS) {
    const value = input[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      problems.push(`config.json: "supervision.${key}" must be a number from ${min} to ${max}`);
      continue;
    }
    result[field] = value * scale;
  }
  if (result.crashLoopMaxDelayMs! < result.crashLoopBaseDelayMs!) {
    problems.push('config.json: "supervision.crashLoopMaxDelaySeconds" must not be below crashLoopBaseDelaySeconds');
  }
  return Object.freeze(result as unknown as SupervisionConfig);
}
