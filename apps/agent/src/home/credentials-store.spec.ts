import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialsStore } from './credentials-store';

describe('CredentialsStore', () => {
  const withHome = (fn: (home: string) => void) => {
    const dir = mkdtempSync(join(tmpdir(), 'borealis-creds-'));
    try {
      fn(join(dir, 'home'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('returns undefined before enrollment', () => {
    withHome((home) => assert.equal(new CredentialsStore(home).load(), undefined));
  });

  it('saves with mode 0600 (POSIX) and reads back', { skip: process.platform === 'win32' }, () => {
    withHome((home) => {
      const store = new CredentialsStore(home);
      const oldUmask = process.umask(0o000); // the file must be 0600 whatever the umask
      try {
        store.save({ agentId: 'a1', secret: 's3cr3t', serverUrl: 'http://x.example' });
      } finally {
        process.umask(oldUmask);
      }
      assert.equal(statSync(store.path).mode & 0o777, 0o600);
      assert.equal(statSync(home).mode & 0o077, 0, 'home must not be group/world accessible');
      assert.deepEqual(store.load(), { agentId: 'a1', secret: 's3cr3t', serverUrl: 'http://x.example' });
      store.save({ agentId: 'a2', secret: 'other', serverUrl: 'http://x.example' });
      assert.equal(statSync(store.path).mode & 0o777, 0o600);
      assert.equal(store.load()?.agentId, 'a2');
      assert.deepEqual(readdirSync(home), ['credentials.json'], 'no temp file left behind');
    });
  });

  it('throws a clear error on a corrupt file', () => {
    withHome((home) => {
      const store = new CredentialsStore(home);
      store.save({ agentId: 'a1', secret: 's', serverUrl: '' });
      writeFileSync(store.path, '{"agentId": "a1"}');
      assert.throws(() => store.load(), /must hold \{agentId, secret, serverUrl\}/);
      writeFileSync(store.path, 'nope');
      assert.throws(() => store.load(), /not valid JSON/);
    });
  });

  it('removes the file', () => {
    withHome((home) => {
      const store = new CredentialsStore(home);
      store.save({ agentId: 'a1', secret: 's', serverUrl: '' });
      store.remove();
      assert.equal(store.load(), undefined);
    });
  });
});
