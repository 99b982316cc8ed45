import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config';

describe('server config', () => {
  it('defaults to port 5000, ./data, ./Logs, SQLite and a 30 s heartbeat with a 65 s grace', () => {
    const config = loadConfig({});
    assert.equal(config.port, 5000);
    assert.equal(config.host, '0.0.0.0');
    assert.match(config.dataDir, /\/data$/);
    assert.match(config.logDir, /\/Logs$/);
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.heartbeatIntervalMs, 30_000);
    assert.equal(config.heartbeatGraceMs, 65_000);
    assert.equal(config.listenBacklog, 65_535);
    assert.ok(Object.isFrozen(config));
  });

  it('derives the grace period from a shorter heartbeat interval', () => {
    const config = loadConfig({ BOREALIS_HEARTBEAT_INTERVAL_SECONDS: '11.7' });
    assert.equal(config.heartbeatIntervalMs, 11_700);
    assert.equal(config.heartbeatGraceMs, 28_400);
  });

  it('lists every bad value at once', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', BOREALIS_ADMIN_TOKEN: 'short', BOREALIS_LOG_LEVEL: 'loud', BOREALIS_HEARTBEAT_INTERVAL_SECONDS: '0', BOREALIS_LISTEN_BACKLOG: '0' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.problems.length, 6);
        assert.match(error.message, /BOREALIS_LISTEN_BACKLOG must be an integer/);
        assert.match(error.message, /PORT must be an integer/);
        assert.match(error.message, /DATABASE_URL must be a postgres/);
        return true;
      },
    );
  });
});
