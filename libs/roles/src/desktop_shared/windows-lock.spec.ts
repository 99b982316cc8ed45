import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { DesktopSession } from './desktop-session';
import { DesktopError } from './desktop-error';
import { parseTasklistCsv, WindowsLockProbe, type CommandOutput } from './windows-lock';

const OWN = '"node.exe","4242","Console","1","52,000 K"\r\n';
const logonUi = (session: number) => `"LogonUI.exe","812","Console","${session}","30,000 K"\r\n`;

function fakeTasklist(answers: { own: string; logonUi: string }) {
  const calls: string[][] = [];
  const run: CommandOutput = async (_file, args) => {
    calls.push(args);
    return args.some((a) => a.startsWith('PID eq')) ? answers.own : answers.logonUi;
  };
  return { run, calls };
}

describe('Windows lock detection (Windows simulated)', () => {
  it('parses tasklist CSV rows (Windows simulated)', () => {
    assert.deepEqual(parseTasklistCsv(OWN + logonUi(1) + 'INFO: No tasks are running which match the specified criteria.\r\n'), [
      { image: 'node.exe', pid: 4242, session: 1 },
      { image: 'LogonUI.exe', pid: 812, session: 1 },
    ]);
  });

  it('is locked while LogonUI runs in our session, not in another one (Windows simulated)', async () => {
    let now = 0;
    const answers = { own: OWN, logonUi: logonUi(1) };
    const fake = fakeTasklist(answers);
    const probe = new WindowsLockProbe(fake.run, 4242, () => now, 2000);
    assert.equal(await probe.locked(), true);
    answers.logonUi = logonUi(2); // someone else's RDP session is at its lock screen
    assert.equal(await probe.locked(), true, 'cached for 2 s');
    now = 2500;
    assert.equal(await probe.locked(), false);
    answers.logonUi = 'INFO: No tasks are running which match the specified criteria.\r\n';
    now = 5000;
    assert.equal(await probe.locked(), false);
    assert.equal(fake.calls.filter((a) => a.some((x) => x.startsWith('PID eq'))).length, 1, 'own session looked up once');
  });

  it('answers display_locked without starting a worker while locked (Windows simulated)', async () => {
    let locked = true;
    const session = new DesktopSession({
      command: ['/nonexistent/borealis-agent'], os: 'windows', logger: pino({ level: 'silent' }), windowsLocked: async () => locked,
    });
    await assert.rejects(session.capture({ format: 'png', quality: 80 }), (err: unknown) => err instanceof DesktopError && err.code === 'display_locked' && /locked/.test(err.message));
    assert.equal(session.running, false);
    locked = false; // unlocked: the worker is tried (and here fails to start, clearly)
    await assert.rejects(session.info(), (err: unknown) => err instanceof DesktopError && err.code === 'display_unavailable' && /could not start the desktop worker/.test(err.message));
    await session.stop();
  });
});
