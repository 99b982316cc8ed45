import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findSessionUser, parseLoginctlSessionIds, parseLoginctlShowSessions, pickLoginctlUser, pickWhoUser } from './linux-session-user';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lookupUser, parsePasswdLine } from './linux-user-lookup';
import type { ProcessResult, ProcessRunner } from './process-runner';
import { tempHome } from './test-support';

const LIST_V252 = `      2 1000 alice seat0 tty2
     c1  122 gdm   seat0 tty1
     14    0 root
`;
const LIST_V256 = `3 1000 alice seat0 1523 user tty2 no -
5 1001 bob   -     2400 user pts/0 no -
`;
const SHOW = `Name=gdm
Remote=no
Class=greeter
Seat=seat0
TTY=tty1
Active=no

Name=bob
Remote=yes
Class=user
Seat=
TTY=pts/0
Active=yes

Name=alice
Remote=no
Class=user
Seat=seat0
TTY=tty2
Active=yes
`;

function runner(answers: Record<string, ProcessResult>): ProcessRunner & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    run: async (file, args) => {
      const command = [file, ...args].join(' ');
      calls.push(command);
      return answers[file] ?? { exitCode: 1, stdout: '', stderr: 'not found' };
    },
  };
}

describe('session user lookup (pure parsers, fake runner)', () => {
  it('reads session ids from loginctl list-sessions of old and new systemd', () => {
    assert.deepEqual(parseLoginctlSessionIds(LIST_V252), ['2', 'c1', '14']);
    assert.deepEqual(parseLoginctlSessionIds(LIST_V256), ['3', '5']);
  });

  it('picks the active local user session with a seat; skips greeters, remote and root sessions', () => {
    assert.equal(pickLoginctlUser(parseLoginctlShowSessions(SHOW)), 'alice');
    assert.equal(pickLoginctlUser([{ Name: 'root', Seat: 'seat0', Active: 'yes' }, { Name: 'carol', TTY: 'tty3', Active: 'no' }]), 'carol');
    assert.equal(pickLoginctlUser([{ Name: 'bob', Remote: 'yes', TTY: 'pts/0', Active: 'yes' }]), undefined);
  });

  it('falls back to who: a console, VT or local X display; not root, not remote', () => {
    const who = [
      'root     tty1         2025-11-25 10:00',
      'eve      pts/1        2025-11-25 10:01 (203.0.113.9)',
      'dave     pts/0        2025-11-25 10:02 (:0)',
    ].join('\n');
    assert.equal(pickWhoUser(who), 'dave');
    assert.equal(pickWhoUser('frank    :0           2025-11-25 09:00 (:0)\n'), 'frank');
    assert.equal(pickWhoUser('eve pts/1 2025-11-25 10:01 (203.0.113.9)\n'), undefined);
    assert.equal(pickWhoUser(''), undefined);
  });

  it('asks loginctl first (one show-session for all sessions), then who', async () => {
    const viaLoginctl = runner({ loginctl: { exitCode: 0, stdout: LIST_V252, stderr: '' } });
    // Both loginctl calls get LIST_V252 here; show-session output would not parse to a user, so who is asked.
    assert.equal(await findSessionUser(viaLoginctl), undefined);
    assert.deepEqual(viaLoginctl.calls, [
      'loginctl list-sessions --no-legend',
      'loginctl show-session 2 c1 14 -p Name -p Remote -p Class -p Seat -p TTY -p Active',
      'who',
    ]);
    const noSystemd = runner({ who: { exitCode: 0, stdout: 'gina tty2 2025-11-25 08:00\n', stderr: '' } });
    assert.equal(await findSessionUser(noSystemd), 'gina');
    const realShape: ProcessRunner = {
      run: async (_file, args) => ({ exitCode: 0, stdout: args[0] === 'list-sessions' ? LIST_V256 : SHOW, stderr: '' }),
    };
    assert.equal(await findSessionUser(realShape), 'alice');
  });

  it('parses getent passwd lines', () => {
    assert.deepEqual(parsePasswdLine('nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n'), {
      name: 'nobody', uid: 65534, gid: 65534, home: '/nonexistent', shell: '/usr/sbin/nologin',
    });
    assert.equal(parsePasswdLine('broken:x:abc'), undefined);
  });

  it('looks users up with getent, and in /etc/passwd only where getent cannot run', async () => {
    const passwd = join(await tempHome(), 'passwd');
    await writeFile(passwd, 'root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1001::/home/alice:/bin/bash\n');
    const missing: ProcessRunner = { run: async () => ({ exitCode: null, stdout: '', stderr: '', error: 'spawn getent ENOENT' }) };
    assert.deepEqual(await lookupUser(missing, 'alice', passwd), { name: 'alice', uid: 1000, gid: 1001, home: '/home/alice', shell: '/bin/bash' });
    const unknown: ProcessRunner = { run: async () => ({ exitCode: 2, stdout: '', stderr: '' }) };
    assert.equal(await lookupUser(unknown, 'alice', passwd), undefined, 'getent said no: no second guess');
    assert.equal(await lookupUser(missing, 'x;y', passwd), undefined);
  });
});
