import { createServiceLogger } from '@borealis/logging';
import { createApp } from './app.factory';
import { PinoNestLogger } from './common/pino-nest-logger';
import { ConfigError, loadConfig, type ServerConfig } from './config/config';
import { ADMIN_TOKEN_FILE } from './modules/tokens/admin-token.bootstrap';
import { join } from 'node:path';

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
  const log = await createServiceLogger({
    service: 'Server', dir: config.logDir, level: config.logLevel, maxSize: config.logMaxSize,
    maxFiles: config.logMaxFiles, maxAgeDays: config.logMaxAgeDays, stdout: config.logStdout,
  });
  // A stray rejection is a bug to log, never a reason to drop every agent link.
  process.on('unhandledRejection', (reason) => log.logger.error({ err: reason }, 'unhandled rejection'));
  const app = await createApp(config, new PinoNestLogger(log.logger));
  // Nest hands its arguments on to http.Server#listen(port, host, backlog); its typings stop at host.
  const listen = app.listen.bind(app) as unknown as (port: number, host: string, backlog: number) => Promise<unknown>;
  await listen(config.port, config.host, config.listenBacklog);
  const base = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
  log.logger.info({
    url: base, docs: `${base}/api/docs`, database: config.databaseUrl ? 'postgres' : join(config.dataDir, 'database.db'),
    adminTokenFile: config.adminToken ? undefined : join(config.dataDir, ADMIN_TOKEN_FILE), logs: log.folder,
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
