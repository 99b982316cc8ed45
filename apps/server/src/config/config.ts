import { resolve } from 'node:path';

/** Everything the server reads from its environment, validated once at boot. */
export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  /** Pending-connection queue asked of the kernel; Linux caps it at net.core.somaxconn. */
  readonly listenBacklog: number;
  readonly dataDir: string;
  readonly logDir: string;
  readonly logLevel: string;
  readonly logMaxSize: string;
  readonly logMaxFiles: number;
  readonly logMaxAgeDays: number;
  readonly logStdout: boolean;
  /** Unset: embedded SQLite file `database.db` in `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** Used only on the very first start, when the database has no token yet. */
  readonly adminToken: string | undefined;
  readonly heartbeatIntervalMs: number;
  /** A device whose heartbeats stop for this long is disconnected and marked offline. */
  readonly heartbeatGraceMs: number;
  readonly lastSeenFlushMs: number;
  readonly socketPingIntervalMs: number;
  readonly socketPingTimeoutMs: number;
  /** A dispatched or running run with no result this long after its timeout is failed as lost. */
  readonly runLeaseGraceMs: number;
  /** How often queued runs are expired and lost runs failed. */
  readonly runSweepMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

type Env = Record<string, string | undefined>;

/** Reads and validates the environment; throws {@link ConfigError} listing every bad value. */
export function loadConfig(env: Env = process.env): ServerConfig {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  const seconds = (name: string, fallbackS: number, minS: number, maxS: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallbackS * 1000;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < minS || value > maxS) {
      problems.push(`${name} must be a number of seconds between ${minS} and ${maxS} (got "${raw}")`);
      return fallbackS * 1000;
    }
    return Math.round(value * 1000);
  };
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// URL (unset it for embedded SQLite)');
  }
  const adminToken = env.BOREALIS_ADMIN_TOKEN || undefined;
  if (adminToken !== undefined && adminToken.length < 16) {
    problems.push('BOREALIS_ADMIN_TOKEN must be at least 16 characters');
  }
  const logLevel = env.BOREALIS_LOG_LEVEL || 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`BOREALIS_LOG_LEVEL must be one of fatal|error|warn|info|debug|trace|silent (got "${logLevel}")`);
  }
  const logMaxSize = env.BOREALIS_LOG_MAX_SIZE || '10m';
  if (!/^\d+[kmg]?$/i.test(logMaxSize)) problems.push(`BOREALIS_LOG_MAX_SIZE must look like 500k, 10m or 1g (got "${logMaxSize}")`);

  const heartbeatIntervalMs = seconds('BOREALIS_HEARTBEAT_INTERVAL_SECONDS', 30, 0.1, 3600);
  // Two missed heartbeats plus a little slack: 65 s at the default 30 s interval.
  const heartbeatGraceMs = seconds('BOREALIS_HEARTBEAT_GRACE_SECONDS', (heartbeatIntervalMs * 2 + 5000) / 1000, 0.2, 7200);
  const config: ServerConfig = {
    port: int('PORT', 5000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    // Node's default (511) overflows when a whole fleet reconnects after a restart: the kernel
    // then drops handshakes and each dropped agent waits out TCP's SYN retransmit (1 s, 3 s, 7 s...).
    listenBacklog: int('BOREALIS_LISTEN_BACKLOG', 65_535, 1, 1_000_000),
    dataDir: resolve(env.BOREALIS_DATA_DIR || './data'),
    logDir: resolve(env.BOREALIS_LOG_DIR || './Logs'),
    logLevel,
    logMaxSize,
    logMaxFiles: int('BOREALIS_LOG_MAX_FILES', 14, 1, 10_000),
    logMaxAgeDays: int('BOREALIS_LOG_MAX_AGE_DAYS', 30, 1, 3650),
    logStdout: env.BOREALIS_LOG_STDOUT !== 'false',
    databaseUrl,
    adminToken,
    heartbeatIntervalMs,
    heartbeatGraceMs,
    lastSeenFlushMs: seconds('BOREALIS_LASTSEEN_FLUSH_SECONDS', 10, 0.05, 600),
    socketPingIntervalMs: seconds('BOREALIS_SOCKET_PING_INTERVAL_SECONDS', 60, 1, 600),
    socketPingTimeoutMs: seconds('BOREALIS_SOCKET_PING_TIMEOUT_SECONDS', 30, 1, 600),
    runLeaseGraceMs: seconds('BOREALIS_RUN_LEASE_GRACE_SECONDS', 300, 1, 86_400),
    runSweepMs: seconds('BOREALIS_RUN_SWEEP_SECONDS', 5, 0.1, 600),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

/** Injection token for the frozen {@link ServerConfig}. */
export const SERVER_CONFIG = Symbol('SERVER_CONFIG');
