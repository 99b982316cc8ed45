import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeRunner } from './fake-runner';
import { installLayout, isSafeToDelete, WINDOWS_HOME } from './install-layout';
import { WindowsTaskService } from './windows-task-service';
import { encodeTaskXml, quoteWindowsArg, renderWindowsTaskXml, USERS_GROUP_SID } from './windows-task-xml';

const layout = installLayout(WINDOWS_HOME, 'win32');

/** The text of one element (first match); these specs have no XML parser at hand. */
const element = (xml: string, name: string): string | undefined => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

describe('Windows logon task XML', () => {
  const xml = renderWindowsTaskXml({ binary: layout.binary, home: layout.home, user: 'CORP\\alice' });

  it('runs the installed exe hidden under conhost --headless with its home', () => {
    assert.equal(layout.binary, 'C:\\Borealis\\Agent\\borealis-agent.exe');
    assert.equal(element(xml, 'Command'), '%SystemRoot%\\System32\\conhost.exe');
    assert.equal(element(xml, 'Arguments'), '--headless C:\\Borealis\\Agent\\borealis-agent.exe run --home C:\\Borealis\\Agent');
    assert.equal(element(xml, 'WorkingDirectory'), 'C:\\Borealis\\Agent');
  });

  it('starts at the user\'s logon, interactive and elevated when the user is an administrator', () => {
    assert.match(xml, /<LogonTrigger>\s*<Enabled>true<\/Enabled>\s*<UserId>CORP\\alice<\/UserId>/);
    assert.equal(element(xml, 'LogonType'), 'InteractiveToken');
    assert.equal(element(xml, 'RunLevel'), 'HighestAvailable');
    const anyUser = renderWindowsTaskXml({ binary: layout.binary, home: layout.home });
    assert.equal(element(anyUser, 'GroupId'), USERS_GROUP_SID);
    assert.ok(!anyUser.includes('<UserId>'));
  });

  it('restarts: on failure every minute, and the 5-minute repetition starts an agent that exited; one instance only', () => {
    assert.match(xml, /<RestartOnFailure>\s*<Interval>PT1M<\/Interval>\s*<Count>999<\/Count>/);
    assert.match(xml, /<Repetition>\s*<Interval>PT5M<\/Interval>\s*<StopAtDurationEnd>false/);
    assert.equal(element(xml, 'MultipleInstancesPolicy'), 'IgnoreNew');
    assert.equal(element(xml, 'ExecutionTimeLimit'), 'PT0S');
    assert.equal(element(xml, 'DisallowStartIfOnBatteries'), 'false');
    assert.equal(element(xml, 'StopIfGoingOnBatteries'), 'false');
    assert.equal(element(xml, 'StopOnIdleEnd'), 'false');
  });

  it('escapes XML and quotes paths with spaces the way CommandLineToArgvW reads them', () => {
    const odd = renderWindowsTaskXml({ binary: 'D:\\R&D Tools\\borealis-agent.exe', home: 'D:\\R&D Tools\\', user: 'a<b' });
    assert.equal(element(odd, 'Arguments'), '--headless &quot;D:\\R&amp;D Tools\\borealis-agent.exe&quot; run --home &quot;D:\\R&amp;D Tools\\\\&quot;');
    assert.ok(odd.includes('<UserId>a&lt;b</UserId>'));
    assert.equal(quoteWindowsArg('plain'), 'plain');
    assert.equal(quoteWindowsArg('say "hi"'), '"say \\"hi\\""');
  });

  it('is well-formed enough: every opened element is closed in order', () => {
    const stack: string[] = [];
    for (const [, close, name, selfClosing] of xml.matchAll(/<(\/?)([A-Za-z]+)[^>]*?(\/?)>/g)) {
      if (selfClosing) continue;
      if (close) assert.equal(stack.pop(), name);
      else stack.push(name!);
    }
    assert.deepEqual(stack, []);
  });

  it('is written as UTF-16 LE with a BOM (schtasks /XML needs it)', () => {
    const bytes = encodeTaskXml('<Task/>');
    assert.deepEqual([...bytes.subarray(0, 4)], [0xff, 0xfe, 0x3c, 0x00]);
  });
});

describe('WindowsTaskService', () => {
  it('install: ends a running task, writes the XML into home, creates and runs the task', async () => {
    const written: Array<[string, Buffer]> = [];
    const runner = new FakeRunner((line) => (line.startsWith('schtasks /Query') ? { code: 1 } : {}));
    const service = new WindowsTaskService(runner, 'CORP\\alice', (path, data) => written.push([path, data]));
    await service.install(layout);
    assert.deepEqual(runner.calls, [
      'schtasks /Query /TN Borealis Agent',
      'schtasks /Create /TN Borealis Agent /XML C:\\Borealis\\Agent\\borealis-agent-task.xml /F',
      'schtasks /Run /TN Borealis Agent',
    ]);
    assert.equal(written[0]![0], 'C:\\Borealis\\Agent\\borealis-agent-task.xml');
    assert.match(written[0]![1].subarray(2).toString('utf16le'), /<UserId>CORP\\alice<\/UserId>/);
  });

  it('unregister ends and deletes a registered task', async () => {
    const runner = new FakeRunner();
    await new WindowsTaskService(runner).unregister(layout);
    assert.deepEqual(runner.calls, [
      'schtasks /Query /TN Borealis Agent', 'schtasks /End /TN Borealis Agent',
      'schtasks /Query /TN Borealis Agent', 'schtasks /Delete /TN Borealis Agent /F',
    ]);
  });

  it('registrationCurrent compares the action arguments of the exported task', () => {
    const xml = renderWindowsTaskXml({ binary: layout.binary, home: layout.home });
    assert.equal(new WindowsTaskService(new FakeRunner(() => ({ stdout: xml }))).registrationCurrent(layout), true);
    const other = renderWindowsTaskXml({ binary: 'C:\\Old\\borealis-agent.exe', home: layout.home });
    assert.equal(new WindowsTaskService(new FakeRunner(() => ({ stdout: other }))).registrationCurrent(layout), false);
  });

  it('never deletes a drive root or a top-level folder', () => {
    assert.equal(isSafeToDelete('C:\\', 'win32'), false);
    assert.equal(isSafeToDelete('C:\\Borealis', 'win32'), true);
    assert.equal(isSafeToDelete('/', 'linux'), false);
    assert.equal(isSafeToDelete('/opt', 'linux'), false);
    assert.equal(isSafeToDelete('/opt/borealis-agent', 'linux'), true);
  });
});
