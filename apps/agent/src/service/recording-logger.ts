import type { Logger } from 'pino';

export interface LogEntry {
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  msg: string;
  fields: Record<string, unknown>;
}

/** A pino-shaped logger that records calls (`logger.warn({...}, 'msg')` or `logger.info('msg')`), for unit specs. */
export function recordingLogger(): { logger: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (a: unknown, b?: unknown) => {
    if (typeof a === 'string') entries.push({ level, msg: a, fields: {} });
    else entries.push({ level, msg: String(b ?? ''), fields: (a ?? {}) as Record<string, unknown> });
  };
  const logger = {
    trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), fatal: at('fatal'),
    child: () => logger,
  };
  return { logger: logger as unknown as Logger, entries };
}
