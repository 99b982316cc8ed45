import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadAgentConfig, resolveHome } from './agent-config';
import { DEFAULT_SUPERVISION } from '../supervision/supervision-config';

describe('loadAgentConfig', () => {
  let cwd: string;
  let home: string;
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'borealis-config-'));
    home = join(cwd, 'home');
    mkdirSync(home);
  });
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  const writeFile = (content: unknown) => writeFileSync(join(home, 'config.json'), JSON.stringify(content));

  it('defaults home to <cwd>/.agent-home and log level to info', () => {
    const config = loadAgentConfig({ flags: { server: 'http://a.example:5000' }, env: {}, cwd });
    assert.equal(config.home, join(cwd, '.agent-home'));
    assert.equal(config.logLevel, 'info');
    assert.equal(config.serverUrl, 'http://a.example:5000');
    assert.equal(config.enrollmentToken, undefined);
  });

  it('uses flags over env over config.json', () => {
    writeFile({ serverUrl: 'http://file.example', enrollmentToken: 'file-token', logLevel: 'error' });
    const env = { BOREALIS_AGENT_HOME: home, BOREALIS_SERVER_URL: 'http://env.example', BOREALIS_LOG_LEVEL: 'warn' };
    const fromEnv = loadAgentConfig({ env, cwd });
    assert.deepEqual({ ...fromEnv }, {
      home, serverUrl: 'http://env.example', logLevel: 'warn', enrollmentToken: 'file-token', supervision: DEFAULT_SUPERVISION, tray: 'auto',
    });
    const fromFlags = loadAgentConfig({
      env, cwd, flags: { server: 'https://flag.example/', logLevel: 'DEBUG', enrollmentToken: 'flag-token' },
    });
    assert.deepEqual({ ...fromFlags }, {
      home, serverUrl: 'https://flag.example', logLevel: 'debug', enrollmentToken: 'flag-token', supervision: DEFAULT_SUPERVISION, tray: 'auto',
    });
    const fromFile = loadAgentConfig({ env: { BOREALIS_AGENT_HOME: home }, cwd });
    assert.equal(fromFile.serverUrl, 'http://file.example');
    assert.equal(fromFile.logLevel, 'error');
  });

  it('resolves home flag > env, relative to cwd', () => {
    assert.equal(resolveHome({ home: 'rel' }, { BOREALIS_AGENT_HOME: '/abs/env' }, cwd), join(cwd, 'rel'));
    assert.equal(resolveHome({}, { BOREALIS_AGENT_HOME: '/abs/env' }, cwd), '/abs/env');
  });

  it('returns a frozen object', () => {
    const config = loadAgentConfig({ flags: { server: 'http://a.example' }, env: {}, cwd });
    assert.ok(Object.isFrozen(config));
  });

  it('lists every problem at once without echoing the token', () => {
    writeFile({ enrollmentToken: 42 });
    let error: unknown;
    try {
      loadAgentConfig({ flags: { server: 'ftp://x.example/path', logLevel: 'loud', home }, env: {}, cwd });
    } catch (err) {
      error = err;
    }
    assert.ok(error instanceof ConfigError);
    assert.equal(error.problems.length, 4, error.message);
    assert.match(error.message, /enrollmentToken" must be a non-empty string/);
    assert.match(error.message, /must use http/);
    assert.match(error.message, /must not have a path/);
    assert.match(error.message, /log level "loud"/);
  });

  it('requires a server URL for run but not for status', () => {
    assert.throws(() => loadAgentConfig({ env: {}, cwd }), /server URL missing/);
    assert.equal(loadAgentConfig({ env: {}, cwd, requireServer: false }).serverUrl, '');
  });

  it('reads supervision settings from config.json and reports bad ones with the rest', () => {
    writeFile({ supervision: { memoryCeilingMb: 300, checkIntervalSeconds: 2 } });
    const config = loadAgentConfig({ flags: { home, server: 'http://a.example' }, env: {}, cwd });
    assert.equal(config.supervision.memoryCeilingMb, 300);
    assert.equal(config.supervision.checkIntervalMs, 2_000);
    writeFile({ supervision: { memoryCeilingMb: 'lots' } });
    assert.throws(() => loadAgentConfig({ flags: { home, server: 'http://a.example' }, env: {}, cwd }), /supervision.memoryCeilingMb/);
  });

  it('reads the tray mode from flag > BOREALIS_TRAY > config.json, default auto, and rejects others', () => {
    const base = { flags: { home, server: 'http://a.example' }, cwd };
    assert.equal(loadAgentConfig({ ...base, env: {} }).tray, 'auto');
    writeFile({ tray: 'off' });
    assert.equal(loadAgentConfig({ ...base, env: {} }).tray, 'off');
    assert.equal(loadAgentConfig({ ...base, env: { BOREALIS_TRAY: 'ON' } }).tray, 'on');
    assert.equal(loadAgentConfig({ ...base, flags: { ...base.flags, tray: 'auto' }, env: { BOREALIS_TRAY: 'on' } }).tray, 'auto');
    assert.throws(() => loadAgentConfig({ ...base, env: { BOREALIS_TRAY: 'maybe' } }), /tray "maybe" \(from BOREALIS_TRAY\) must be one of auto, on, off/);
  });

  it('reports a broken config.json', () => {
    writeFileSync(join(home, 'config.json'), '{ not json');
    assert.throws(() => loadAgentConfig({ flags: { home, server: 'http://a.example' }, env: {}, cwd }), ConfigError);
  });

  it('ignores empty flags and env values', () => {
    const config = loadAgentConfig({
      flags: { server: ' ', home: '' }, env: { BOREALIS_SERVER_URL: 'http://env.example', BOREALIS_AGENT_HOME: '' }, cwd,
    });
    assert.equal(config.serverUrl, 'http://env.example');
    assert.equal(config.home, join(cwd, '.agent-home'));
  });
});
