import type { Logger } from 'pino';
import { AgentFatalError } from '../agent-fatal-error';
import { rememberServerUrl } from '../config/config-file';
import { CredentialsStore, type AgentCredentials } from '../home/credentials-store';
import type { AgentIdentity } from '../platform';
import { backoffDelay, type BackoffOptions } from '../transport/backoff';
import { sleep, type Timers } from '../timers';
import { EnrollmentClient, EnrollmentError } from './enrollment-client';

export interface CredentialsProviderOptions {
  serverUrl: string;
  home: string;
  enrollmentToken?: string;
  identity: Pick<AgentIdentity, 'hostname' | 'os' | 'arch'>;
  client: EnrollmentClient;
  logger: Logger;
  backoff: BackoffOptions;
  random: () => number;
  timers: Timers;
  /** Aborted when the agent stops: ends waits and cancels a request in flight. */
  signal: AbortSignal;
  onEnrolling: () => void;
  onWaiting: () => void;
  onEnrolled: (credentials: AgentCredentials) => void;
}

/**
 * Where the agent's identity comes from: `credentials.json` when present, else enrollment with
 * the token (retried while the server is unreachable, fatal when it refuses the token).
 */
export class CredentialsProvider {
  private currentValue: AgentCredentials | undefined;
  private reenrolled = false;
  private readonly store: CredentialsStore;

  constructor(private readonly options: CredentialsProviderOptions) {
    this.store = new CredentialsStore(options.home);
  }

  get current(): AgentCredentials | undefined {
    return this.currentValue;
  }

  /** Undefined only when the agent stopped meanwhile. */
  async obtain(): Promise<AgentCredentials | undefined> {
    if (this.currentValue) return this.currentValue;
    const { serverUrl, enrollmentToken, logger } = this.options;
    let stored: AgentCredentials | undefined;
    try {
      stored = this.store.load();
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'stored credentials unusable');
    }
    // Credentials from another server URL are replaced when a token allows it, else tried anyway.
    if (stored && (stored.serverUrl === serverUrl || !enrollmentToken)) {
      if (stored.serverUrl !== serverUrl) {
        logger.warn({ issuedBy: stored.serverUrl, serverUrl }, 'credentials were issued by another server URL; using them anyway');
      }
      this.currentValue = stored;
      return stored;
    }
    if (!enrollmentToken) {
      throw new AgentFatalError(`not enrolled: no usable credentials in ${this.options.home} and no enrollment token given`);
    }
    for (let attempt = 0; !this.options.signal.aborted; attempt++) {
      try {
        return await this.enroll(enrollmentToken);
      } catch (err) {
        if (!(err instanceof EnrollmentError)) throw err; // e.g. the home folder is not writable
        if (!err.retryable) throw new AgentFatalError(`enrollment refused by the server: ${err.code}: ${err.message}`);
        const delayMs = backoffDelay(attempt, this.options.backoff, this.options.random);
        logger.warn({ code: err.code, reason: err.message, delayMs }, 'enrollment failed, retrying');
        this.options.onWaiting();
        await sleep(delayMs, this.options.signal, this.options.timers);
      }
    }
    return undefined;
  }

  /** True if a re-enrollment is allowed: a token was given and it was not used for that yet. */
  canReenroll(): boolean {
    return this.options.enrollmentToken !== undefined && !this.reenrolled;
  }

  /**
   * After the server refused the credentials: enroll again, once per process, so a wiped server
   * database heals itself but a revoked agent does not burn tokens in a loop. Old credentials
   * stay if it fails.
   */
  async reenrollOnce(): Promise<boolean> {
    const token = this.options.enrollmentToken;
    if (token === undefined || this.reenrolled) return false;
    this.reenrolled = true;
    try {
      await this.enroll(token);
      return true;
    } catch (err) {
      const e = err as Partial<EnrollmentError>;
      this.options.logger.error({ code: e.code, reason: e.message }, 're-enrollment failed; keeping the old credentials');
      return false;
    }
  }

  private async enroll(enrollmentToken: string): Promise<AgentCredentials> {
    const { serverUrl, home, identity, logger } = this.options;
    this.options.onEnrolling();
    const request = { enrollmentToken, hostname: identity.hostname, os: identity.os, arch: identity.arch };
    const response = await this.options.client.enroll(serverUrl, request, this.options.signal);
    const credentials: AgentCredentials = { ...response, serverUrl };
    this.store.save(credentials);
    rememberServerUrl(home, serverUrl);
    this.currentValue = credentials;
    logger.info({ agentId: credentials.agentId }, 'enrolled');
    this.options.onEnrolled(credentials);
    return credentials;
  }
}
