// Only the configuration and the early listener load before the port is open; everything else
// (Nest, TypeORM, pino, every module) is imported after, so a restarted server holds reconnecting
// agents from the first milliseconds instead of refusing them for the whole boot.
import { join } from 'node:path';
import { EarlyListener } from './common/early-listener';
import { ConfigError, loadConfig, type ServerConfig } from './config/config';

async function main(): Promise<void> {
  let config: ServerConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const early = await EarlyListener.open(config.port, config.host, config.listenBacklog).catch((error: Error) => {
    process.stderr.write(`server failed to start: cannot listen on ${config.host}:${config.port}: ${error.message}\n`);
    process.exit(1);
  });
  // require, not import(): this is CommonJS, and these must load only now, after the port is open.
  const { createServiceLogger } = require('@borealis/logging') as typeof import('@borealis/logging');
  const { createApp } = require('./app.factory') as typeof import('./app.factory');
  const { PinoNestLogger } = require('./common/pino-nest-logger') as typeof import('./common/pino-nest-logger');
  const { ADMIN_TOKEN_FILE } = require('./modules/tokens/admin-token.bootstrap') as typeof import('./modules/tokens/admin-token.bootstrap');
  const log = await createServiceLogger({
    service: 'Server', dir: config.logDir, level: config.logLevel, maxSize: config.logMaxSize,
    maxFiles: config.logMaxFiles, maxAgeDays: config.logMaxAgeDays, stdout: config.logStdout,
  });
  // A stray rejection is a bug to log, never a reason to drop every agent link.
  process.on('unhandledRejection', (reason) => log.logger.error({ err: reason }, 'unhandled rejection'));
  const app = await createApp(config, new PinoNestLogger(log.logger));
  // Nest hands its arguments on to http.Server#listen(handle, backlog): the HTTP server takes over
  // the early listener's socket (its typings only know a port). The backlog is passed again
  // because listen() on a handle re-applies it.
  const listen = app.listen.bind(app) as unknown as (handle: unknown, backlog: number) => Promise<unknown>;
  const heldDuringBoot = await early.handOver(app.getHttpServer(), () => listen(early.server, config.listenBacklog));
  const base = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
  log.logger.info({
    url: base, docs: `${base}/api/docs`, database: config.databaseUrl ? 'postgres' : join(config.dataDir, 'database.db'),
    adminTokenFile: config.adminToken ? undefined : join(config.dataDir, ADMIN_TOKEN_FILE), logs: log.folder,
    heldDuringBoot, closedDuringBoot: early.closedUnserved, bootMs: Math.round(process.uptime() * 1000),
  }, 'Borealis server listening');
  const stop = async (signal: string) => {
    log.logger.info({ signal }, 'stopping');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await app.close();
    await log.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`server failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
