/**
 * Exponential backoff with full jitter (delay drawn uniformly from 0..min(cap, base * 2^n)),
 * as the real agent does: after a server restart the fleet spreads its reconnects over the
 * whole window instead of arriving in synchronized waves.
 */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const AGENT_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 30_000 };

export function backoffDelayMs(attempt: number, policy: BackoffPolicy = AGENT_BACKOFF, random = Math.random): number {
  // 2^30 already exceeds any sane cap; clamping the exponent keeps the number finite.
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

/** For refusals (bad credentials, protocol mismatch): jittered in [cap/2, cap], no lockstep. */
export function capDelayMs(policy: BackoffPolicy = AGENT_BACKOFF, random = Math.random): number {
  return Math.floor(policy.capMs * (0.5 + random() / 2));
}
