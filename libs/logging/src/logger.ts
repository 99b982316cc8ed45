import { mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger, type DestinationStream } from 'pino';
// pino-roll ships no types; its default export builds a rotating SonicBoom stream.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pinoRoll: (opts: Record<string, unknown>) => Promise<DestinationStream & { end(): void }> = require('pino-roll');

export interface LogOptions {
  /** `Server`, `Agent`, ...: files go to `<dir>/<service>/`. */
  service: string;
  /** Root log folder (`Logs/` by default in both server and agent). */
  dir: string;
  level?: string;
  /** Rotate when a file reaches this size, e.g. `10m`. */
  maxSize?: string;
  /** Rotate at least this often: `daily`, `hourly` or milliseconds. */
  frequency?: 'daily' | 'hourly' | number;
  /** Rotated files kept besides the active one. */
  maxFiles?: number;
  /** Rotated files older than this are deleted, whatever their count. */
  maxAgeDays?: number;
  /** Also write to stdout (foreground runs, systemd journal). */
  stdout?: boolean;
}

export interface ServiceLogger {
  logger: Logger;
  /** Folder the files are written to. */
  folder: string;
  /** Flushes and closes the file; call on shutdown. */
  close(): Promise<void>;
}

/** Keys whose values never reach a log, wherever they appear in a log object. */
export const REDACTED_KEYS = [
  'secret', 'token', 'password', 'authorization', 'enrollmentToken', 'apiToken',
  '*.secret', '*.token', '*.password', '*.authorization', '*.enrollmentToken',
  'auth.secret', 'auth.token', 'headers.authorization', 'req.headers.authorization',
];

const DAY_MS = 86_400_000;

export async function createServiceLogger(options: LogOptions): Promise<ServiceLogger> {
  const folder = join(options.dir, options.service);
  mkdirSync(folder, { recursive: true });
  const file = await pinoRoll({
    file: join(folder, options.service.toLowerCase()),
    extension: '.log',
    size: options.maxSize ?? '10m',
    frequency: options.frequency ?? 'daily',
    dateFormat: 'yyyy-MM-dd',
    mkdir: true,
    // Synchronous writes: a crash loses no log line, and nothing is logged per heartbeat.
    sync: true,
    limit: { count: options.maxFiles ?? 14, removeOtherLogFiles: true },
  });
  const streams: pino.StreamEntry[] = [{ stream: file }];
  if (options.stdout) streams.push({ stream: process.stdout });
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_KEYS, censor: '[redacted]' },
    },
    pino.multistream(streams),
  );
  const maxAgeMs = (options.maxAgeDays ?? 30) * DAY_MS;
  pruneOldLogs(folder, maxAgeMs);
  // Age-based retention runs hourly; pino-roll handles the count limit at each rotation.
  const pruneTimer = setInterval(() => pruneOldLogs(folder, maxAgeMs), 3_600_000);
  pruneTimer.unref();
  return {
    logger,
    folder,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(pruneTimer);
        logger.flush(() => {
          file.end();
          resolve();
        });
      }),
  };
}

/** Deletes `*.log` files in `folder` last modified more than `maxAgeMs` ago; returns what it removed. */
export function pruneOldLogs(folder: string, maxAgeMs: number, now = Date.now()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.endsWith('.log')) continue;
    const path = join(folder, name);
    try {
      if (now - statSync(path).mtimeMs > maxAgeMs) {
        unlinkSync(path);
        removed.push(name);
      }
    } catch {
      // Another process may have rotated or removed it meanwhile.
    }
  }
  return removed;
}
