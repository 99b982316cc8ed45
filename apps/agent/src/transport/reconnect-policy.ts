import type { Logger } from 'pino';
import { HandshakeErrors } from '@borealis/protocol';
import { backoffDelay, capDelay, type BackoffOptions } from './backoff';

/** Why one socket ended. */
export type ConnectOutcome =
  | { kind: 'refused'; message: string }
  | { kind: 'closed'; reason: string }
  | { kind: 'halfOpen' }
  | { kind: 'helloFailed'; code: string };

export interface RetryDecision {
  delayMs: number;
  reason: string;
}

/**
 * Reasons whose cure is an operator, not a quick retry. A plain server-side close
 * (`io server disconnect`) is not one: the server also drops links whose heartbeats stalled
 * (a frozen or suspended agent) and expects them back soon; revocation shows up as
 * `unauthorized` on the next attempt, and replacement as `session.replaced`.
 */
const SLOW_REASONS = new Set<string>([HandshakeErrors.unauthorized, HandshakeErrors.protocolMismatch, HandshakeErrors.replaced]);

export function outcomeReason(outcome: ConnectOutcome): string {
  switch (outcome.kind) {
    case 'refused':
      return outcome.message;
    case 'closed':
      return outcome.reason;
    case 'helloFailed':
      return outcome.code;
    case 'halfOpen':
      return 'half-open';
  }
}

/**
 * Turns connection outcomes into waits: full-jitter exponential backoff for transient failures,
 * near the cap for refusals (so a revoked fleet or two copies of one agent do not hammer the
 * server). Only a fully accepted session (`reset`) brings the backoff back to its base.
 */
export class ReconnectPolicy {
  private attemptValue = 0;

  constructor(
    private readonly backoff: BackoffOptions,
    private readonly random: () => number,
    private readonly logger: Logger,
  ) {}

  get attempt(): number {
    return this.attemptValue;
  }

  reset(): void {
    this.attemptValue = 0;
  }

  next(outcome: ConnectOutcome): RetryDecision {
    const reason = outcomeReason(outcome);
    if (SLOW_REASONS.has(reason)) {
      const decision = this.slow(reason);
      this.logger.error({ reason, delayMs: decision.delayMs }, 'server refused or closed the connection; retrying near the backoff cap');
      return decision;
    }
    const delayMs = backoffDelay(this.attemptValue, this.backoff, this.random);
    this.attemptValue += 1;
    const fields = { reason, attempt: this.attemptValue, delayMs };
    if (outcome.kind === 'refused') this.logger.warn(fields, 'connection failed, retrying');
    else this.logger.info(fields, 'reconnecting');
    return { delayMs, reason };
  }

  /** A wait near the cap, for refusals that retrying soon cannot fix. */
  slow(reason: string): RetryDecision {
    return { delayMs: capDelay(this.backoff, this.random), reason };
  }
}
