import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { RoleDefinition } from '@borealis/roles';
import { diskRoleSource } from './disk-role-fixtures';
import { RolesFolderWatcher } from './roles-folder-watcher';

const eventually = async (what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('RolesFolderWatcher', () => {
  let home: string;
  let logs: Array<Record<string, unknown>>;
  let loaded: RoleDefinition[];
  let watcher: RolesFolderWatcher;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'borealis-roles-watch-'));
    logs = [];
    loaded = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
    watcher = new RolesFolderWatcher({
      home, logger, settleMs: 50, rescanMs: 200,
      isKnown: (name) => name === 'heartbeat_metrics' || loaded.some((r) => r.name === name),
      onRole: (role) => loaded.push(role),
    });
  });
  afterEach(() => {
    watcher.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('creates Roles/, loads a file that lands while running, ignores other files', async () => {
    watcher.start();
    writeFileSync(join(watcher.folder, 'README.txt'), 'not a role');
    writeFileSync(join(watcher.folder, 'late_role.js'), diskRoleSource('late_role'));
    await eventually('role loaded', () => loaded.length === 1);
    assert.equal(loaded[0]!.name, 'late_role');
    assert.ok(logs.some((l) => l.msg === 'role loaded from Roles/' && l.role === 'late_role'));
  });

  it('loads files already there at start', async () => {
    watcher.start();
    watcher.stop();
    writeFileSync(join(watcher.folder, 'early_role.js'), diskRoleSource('early_role'));
    const again = new RolesFolderWatcher({ home, logger: pino({ level: 'silent' }), settleMs: 10, isKnown: () => false, onRole: (r) => loaded.push(r) });
    again.start();
    try {
      await eventually('role loaded', () => loaded.length === 1);
    } finally {
      again.stop();
    }
  });

  it('logs a rejected file once, retries it when it changes, and never reloads a loaded one', async () => {
    watcher.start();
    const path = join(watcher.folder, 'fixed_later.js');
    writeFileSync(path, 'class {');
    await eventually('rejection logged', () => logs.some((l) => l.msg === 'role file rejected'));
    await new Promise((r) => setTimeout(r, 500)); // two rescans
    assert.equal(logs.filter((l) => l.msg === 'role file rejected').length, 1, 'logged once per version');
    writeFileSync(path, diskRoleSource('fixed_later'));
    await eventually('role loaded after the fix', () => loaded.length === 1);
    writeFileSync(path, `${diskRoleSource('fixed_later')}\n// v2`);
    await eventually('change noticed', () => logs.some((l) => String(l.msg).includes('restart the agent')));
    assert.equal(loaded.length, 1);
  });

  it('rejects a duplicate of an embedded role', async () => {
    watcher.start();
    writeFileSync(join(watcher.folder, 'dup.js'), diskRoleSource('heartbeat_metrics'));
    await eventually('rejected', () => logs.some((l) => l.msg === 'role file rejected' && String(l.reason).includes('already exists')));
    assert.equal(loaded.length, 0);
  });
});
