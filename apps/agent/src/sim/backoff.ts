import { backoffDelay, capDelay, DEFAULT_BACKOFF, type BackoffOptions } from '../transport/backoff';

/**
 * The simulated agents reconnect exactly like the real agent: this is the agent's own
 * full-jitter policy (`transport/backoff.ts`), with defaults, under the simulator's names.
 */
export type BackoffPolicy = BackoffOptions;

export const AGENT_BACKOFF: Readonly<BackoffPolicy> = DEFAULT_BACKOFF;

export function backoffDelayMs(attempt: number, policy: BackoffPolicy = AGENT_BACKOFF, random = Math.random): number {
  return backoffDelay(attempt, policy, random);
}

/** For refusals (bad credentials, protocol mismatch): jittered in [cap/2, cap], no lockstep. */
export function capDelayMs(policy: BackoffPolicy = AGENT_BACKOFF, random = Math.random): number {
  return capDelay(policy, random);
}
