import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { win32 } from 'node:path';
import { buildSystemTaskPlan, systemTaskCleanup, systemTaskName, systemTaskXml, xmlEscape, type SystemTaskPlanInput } from './windows-task-plan';
import { SYSTEM_TASK_WRAPPER } from './windows-task-wrapper';

const dir = 'C:\\Program Files\\Borealis\\tmp\\6f1c';
const input: SystemTaskPlanInput = {
  runId: '6f1c2d4e-0000-4000-8000-000000000001',
  dir,
  pathOf: (n) => win32.join(dir, n),
  systemRoot: 'C:\\Windows',
  timeoutMs: 90_000,
  invocation: { file: 'C:\\Windows\\System32\\cmd.exe', args: ['/d', '/v:off', '/s', '/c', '""C:\\x\\script.cmd" "a b""'], windowsVerbatimArguments: true },
  env: { GREETING: 'hé "x"' },
};

describe('windows scheduled task plan (pure, no Windows here)', () => {
  it('names one task per run in the Borealis folder, with nothing but safe characters', () => {
    assert.equal(systemTaskName('6f1c2d4e-0000-4000-8000-000000000001'), 'Borealis\\Run-6f1c2d4e-0000-4000-8000-000000000001');
    assert.equal(systemTaskName('a/b" & c'), 'Borealis\\Run-a_b____c');
  });

  it('builds the exact schtasks and taskkill commands', () => {
    const plan = buildSystemTaskPlan(input);
    const schtasks = 'C:\\Windows\\System32\\schtasks.exe';
    const name = 'Borealis\\Run-6f1c2d4e-0000-4000-8000-000000000001';
    assert.deepEqual(plan.create, { file: schtasks, args: ['/Create', '/TN', name, '/XML', `${dir}\\task.xml`, '/F'] });
    assert.deepEqual(plan.run, { file: schtasks, args: ['/Run', '/TN', name] });
    assert.deepEqual(plan.end, { file: schtasks, args: ['/End', '/TN', name] });
    assert.deepEqual(plan.delete, { file: schtasks, args: ['/Delete', '/TN', name, '/F'] });
    assert.deepEqual(plan.killTree(4242), { file: 'C:\\Windows\\System32\\taskkill.exe', args: ['/PID', '4242', '/T', '/F'] });
    assert.deepEqual(plan.outputs, {
      started: `${dir}\\started.json`, stdout: `${dir}\\stdout.txt`, stderr: `${dir}\\stderr.txt`, exit: `${dir}\\exit.json`,
    });
  });

  it('writes the wrapper (UTF-8 BOM), job.json (command line + env) and task.xml (UTF-16LE BOM)', () => {
    const files = Object.fromEntries(buildSystemTaskPlan(input).files.map((f) => [f.name, f.data]));
    assert.deepEqual(Object.keys(files), ['wrapper.ps1', 'job.json', 'task.xml']);
    assert.deepEqual([...files['wrapper.ps1']!.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.equal(files['wrapper.ps1']!.subarray(3).toString('utf8'), SYSTEM_TASK_WRAPPER);
    assert.deepEqual(JSON.parse(files['job.json']!.toString('utf8')), {
      fileName: 'C:\\Windows\\System32\\cmd.exe',
      arguments: '/d /v:off /s /c ""C:\\x\\script.cmd" "a b""',
      env: { GREETING: 'hé "x"' },
    });
    assert.deepEqual([...files['task.xml']!.subarray(0, 2)], [0xff, 0xfe]);
    assert.equal(files['task.xml']!.subarray(2).toString('utf16le'), systemTaskXml(input));
  });

  it('task XML: SYSTEM, highest run level, no trigger, a time limit past the job timeout, the wrapper as the action', () => {
    const xml = systemTaskXml(input);
    assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-16"\?>/);
    assert.match(xml, /<UserId>S-1-5-18<\/UserId>\s*<LogonType>ServiceAccount<\/LogonType>\s*<RunLevel>HighestAvailable<\/RunLevel>/);
    assert.doesNotMatch(xml, /<Triggers>/);
    assert.match(xml, /<ExecutionTimeLimit>PT7M<\/ExecutionTimeLimit>/);
    assert.match(xml, /<Command>C:\\Windows\\System32\\WindowsPowerShell\\v1\.0\\powershell\.exe<\/Command>/);
    assert.ok(xml.includes(`<Arguments>-NoProfile -NonInteractive -ExecutionPolicy Bypass -WindowStyle Hidden -File &quot;${dir}\\wrapper.ps1&quot;</Arguments>`));
    assert.ok(xml.includes(`<WorkingDirectory>${dir}</WorkingDirectory>`));
    assert.equal(xmlEscape(`<a & 'b' "c">`), '&lt;a &amp; &apos;b&apos; &quot;c&quot;&gt;');
  });

  it('cleanup: finished -> delete only; unfinished -> taskkill each pid, end (if run), delete; never created -> nothing', () => {
    const plan = buildSystemTaskPlan(input);
    const show = (state: Parameters<typeof systemTaskCleanup>[1]): string[] =>
      systemTaskCleanup(plan, state).map((c) => `${win32.basename(c.file)} ${c.args.join(' ')}`);
    const name = systemTaskName(input.runId);
    assert.deepEqual(show({ createAttempted: true, runAttempted: true, finished: true, pids: [1, 2] }), [`schtasks.exe /Delete /TN ${name} /F`]);
    assert.deepEqual(show({ createAttempted: true, runAttempted: true, finished: false, pids: [7, 8] }), [
      'taskkill.exe /PID 7 /T /F', 'taskkill.exe /PID 8 /T /F', `schtasks.exe /End /TN ${name}`, `schtasks.exe /Delete /TN ${name} /F`,
    ]);
    assert.deepEqual(show({ createAttempted: true, runAttempted: true, finished: false, pids: [] }), [`schtasks.exe /End /TN ${name}`, `schtasks.exe /Delete /TN ${name} /F`]);
    assert.deepEqual(show({ createAttempted: true, runAttempted: false, finished: false, pids: [] }), [`schtasks.exe /Delete /TN ${name} /F`]);
    assert.deepEqual(show({ createAttempted: false, runAttempted: false, finished: false, pids: [] }), []);
  });

  it('wrapper: reads job.json, records pids, shares the output files for reading, writes records atomically', () => {
    for (const needle of ["'job.json'", "'started.json'", "'stdout.txt'", "'stderr.txt'", "'exit.json'", '[System.IO.FileShare]::ReadWrite', 'Move-Item', 'wrapperPid = $PID', 'WaitAll($copies, 5000)']) {
      assert.ok(SYSTEM_TASK_WRAPPER.includes(needle), needle);
    }
  });
});
