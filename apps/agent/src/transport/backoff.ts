export interface BackoffOptions {
  /** First delay ceiling; doubles per failed attempt. */
  baseMs: number;
  /** Largest delay ever waited. */
  capMs: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = Object.freeze({ baseMs: 1_000, capMs: 30_000 });

/**
 * Exponential backoff with full jitter (AWS architecture blog): a uniform delay in
 * [0, min(cap, base * 2^attempt)). Full jitter spreads a fleet reconnecting after a server
 * restart over the whole window instead of synchronised waves.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 30); // 2^30 already exceeds any cap
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** exponent);
  return Math.floor(clamp01(random()) * ceiling);
}

/**
 * Delay for failures that retrying soon cannot fix (refused credentials, protocol mismatch):
 * near the cap, still jittered in [cap/2, cap] so refused agents do not retry in lockstep.
 */
export function capDelay(options: BackoffOptions, random: () => number = Math.random): number {
  return Math.floor(options.capMs * (0.5 + clamp01(random()) / 2));
}

function clamp01(n: number): number {
  return Number.isFinite(n) ? Math.min(Math.max(n, 0), 1) : 0;
}
