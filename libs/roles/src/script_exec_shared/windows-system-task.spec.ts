import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { appendFile, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, win32 } from 'node:path';
import { createFakeRoleContext } from '../core';
import { ScriptExecSystemRole } from '../script_exec_system/role';
import type { ProcessResult, ProcessRunner } from './process-runner';
import { makeJob, tempHome } from './test-support';

const OK: ProcessResult = { exitCode: 0, stdout: 'SUCCESS', stderr: '' };

interface Scenario {
  create?: ProcessResult;
  run?: ProcessResult;
  /** Plays the wrapper inside the task once /Run is called. */
  wrapper?: (dir: string) => Promise<void>;
}

/** Plays schtasks/taskkill: records every command, answers per scenario. Nothing here needs Windows. */
class FakeScheduler implements ProcessRunner {
  readonly calls: string[] = [];
  jobJson: Record<string, unknown> | undefined;
  taskXml = '';
  private dir = '';

  constructor(private readonly scenario: Scenario) {}

  async run(file: string, args: readonly string[]): Promise<ProcessResult> {
    this.calls.push(`${win32.basename(file)} ${args.join(' ')}`);
    if (args[0] === '/Create') {
      const xmlPath = args[args.indexOf('/XML') + 1]!;
      this.dir = dirname(xmlPath);
      this.taskXml = (await readFile(xmlPath)).subarray(2).toString('utf16le');
      this.jobJson = JSON.parse(await readFile(join(this.dir, 'job.json'), 'utf8')) as Record<string, unknown>;
      return this.scenario.create ?? OK;
    }
    if (args[0] === '/Run') {
      const result = this.scenario.run ?? OK;
      if (result.exitCode === 0 && this.scenario.wrapper) void this.scenario.wrapper(this.dir);
      return result;
    }
    return OK;
  }
}

async function record(dir: string, name: string, value: unknown): Promise<void> {
  await writeFile(join(dir, `${name}.tmp`), JSON.stringify(value));
  await rename(join(dir, `${name}.tmp`), join(dir, name));
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function setup(scenario: Scenario) {
  const home = await tempHome();
  const runner = new FakeScheduler(scenario);
  const fake = createFakeRoleContext({ name: 'script_exec_system', agent: { home, os: 'windows' } });
  const role = new ScriptExecSystemRole(fake.context, {
    runner,
    env: { SystemRoot: 'C:\\Windows', Path: 'C:\\Windows\\System32' },
    isExecutable: () => true,
    pollMs: 20,
    taskStartTimeoutMs: 1_000,
  });
  return { home, runner, role };
}

const TASK = (runId: string) => `Borealis\\Run-${runId}`;
const noFilesLeft = async (home: string) => assert.deepEqual(await readdir(join(home, 'tmp')), []);

describe('windows scheduled task (fake runner, no Windows here)', () => {
  it('creates, runs, streams output, returns the exit code, then deletes the task and the files', async () => {
    const { home, runner, role } = await setup({
      wrapper: async (dir) => {
        await record(dir, 'started.json', { wrapperPid: 4242, pid: 4343 });
        const bytes = Buffer.from('héllo ✓ 日本\n');
        await appendFile(join(dir, 'stdout.txt'), bytes.subarray(0, 2)); // ends inside 'é'
        await pause(60);
        await appendFile(join(dir, 'stdout.txt'), bytes.subarray(2));
        await appendFile(join(dir, 'stderr.txt'), 'warn ✗\n');
        await pause(60);
        await record(dir, 'exit.json', { exitCode: 3 });
      },
    });
    const run = makeJob({ script: "Write-Output 'héllo'", args: ['a b'], env: { GREETING: 'hi' } });
    assert.deepEqual(await role.runJob(run.job), { exitCode: 3 });
    assert.equal(run.stdout(), 'héllo ✓ 日本\n');
    assert.equal(run.stderr(), 'warn ✗\n');
    assert.equal(run.events[0], 'started');
    const name = TASK(run.job.runId);
    assert.deepEqual(runner.calls, [
      `schtasks.exe /Create /TN ${name} /XML ${join(home, 'tmp', run.job.runId, 'task.xml')} /F`,
      `schtasks.exe /Run /TN ${name}`,
      `schtasks.exe /Delete /TN ${name} /F`,
    ]);
    assert.match(runner.taskXml, /<UserId>S-1-5-18<\/UserId>/);
    assert.equal(runner.jobJson?.fileName, 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
    assert.match(String(runner.jobJson?.arguments), /^-NoProfile -NonInteractive -ExecutionPolicy Bypass -OutputFormat Text -EncodedCommand [A-Za-z0-9+/=]+$/);
    assert.deepEqual(runner.jobJson?.env, { GREETING: 'hi' });
    await noFilesLeft(home);
  });

  it('deletes the task and the files when creating it fails (no administrator rights)', async () => {
    const { home, runner, role } = await setup({ create: { exitCode: 1, stdout: '', stderr: 'ERROR: Access is denied.\r\n' } });
    const run = makeJob({ script: 'whoami' });
    assert.deepEqual(await role.runJob(run.job), {
      exitCode: null,
      error: 'system context unavailable: could not create the scheduled task (administrator rights are needed): ERROR: Access is denied.',
    });
    assert.deepEqual(run.events, []);
    assert.deepEqual(runner.calls.map((c) => c.split(' ').slice(0, 2).join(' ')), ['schtasks.exe /Create', 'schtasks.exe /Delete']);
    await noFilesLeft(home);
  });

  it('deletes the task and the files when running it fails', async () => {
    const { home, runner, role } = await setup({ run: { exitCode: 1, stdout: '', stderr: 'ERROR: The service is not available.' } });
    const outcome = await role.runJob(makeJob({ script: 'whoami' }).job);
    assert.deepEqual(outcome, { exitCode: null, error: 'system context unavailable: could not start the scheduled task: ERROR: The service is not available.' });
    assert.deepEqual(runner.calls.map((c) => c.split(' ')[1]), ['/Create', '/Run', '/End', '/Delete']);
    await noFilesLeft(home);
  });

  it('deletes the task and the files when the task never starts', async () => {
    const { home, runner, role } = await setup({});
    const outcome = await role.runJob(makeJob({ script: 'whoami' }).job);
    assert.deepEqual(outcome, { exitCode: null, error: 'system context unavailable: the scheduled task did not start within 1 s' });
    assert.deepEqual(runner.calls.map((c) => c.split(' ')[1]), ['/Create', '/Run', '/End', '/Delete']);
    await noFilesLeft(home);
  });

  for (const reason of ['timed_out', 'cancelled'] as const) {
    it(`kills the tree, ends and deletes the task and removes the files on ${reason === 'timed_out' ? 'timeout' : 'cancel'}`, async () => {
      const { home, runner, role } = await setup({ wrapper: (dir) => record(dir, 'started.json', { wrapperPid: 4242, pid: 4343 }) });
      const run = makeJob({ script: 'Start-Sleep 300' });
      const outcome = role.runJob(run.job);
      while (!run.events.includes('started')) await pause(10);
      run.controller.abort(reason);
      assert.deepEqual(await outcome, { exitCode: null });
      const name = TASK(run.job.runId);
      assert.deepEqual(runner.calls.slice(2), [
        'taskkill.exe /PID 4242 /T /F',
        'taskkill.exe /PID 4343 /T /F',
        `schtasks.exe /End /TN ${name}`,
        `schtasks.exe /Delete /TN ${name} /F`,
      ]);
      await noFilesLeft(home);
    });
  }

  it('deletes the task and the files when the agent stops mid-run (stopAll)', async () => {
    const { home, runner, role } = await setup({ wrapper: (dir) => record(dir, 'started.json', { wrapperPid: 9, pid: 10 }) });
    const run = makeJob({ script: 'Start-Sleep 300' });
    const outcome = role.runJob(run.job);
    while (!run.events.includes('started')) await pause(10);
    await role.stopAll();
    assert.deepEqual(await outcome, { exitCode: null });
    assert.equal(runner.calls.at(-1), `schtasks.exe /Delete /TN ${TASK(run.job.runId)} /F`);
    await noFilesLeft(home);
  });

  it('deletes the task and the files when the wrapper reports it could not start the script', async () => {
    const { home, runner, role } = await setup({ wrapper: (dir) => record(dir, 'exit.json', { error: 'The system cannot find the file specified' }) });
    const outcome = await role.runJob(makeJob({ script: 'whoami', shell: 'cmd', args: ['a b'] }).job);
    assert.deepEqual(outcome, { exitCode: null, error: 'SYSTEM task could not run the script: The system cannot find the file specified' });
    assert.equal(runner.jobJson?.fileName, 'C:\\Windows\\System32\\cmd.exe');
    assert.match(String(runner.jobJson?.arguments), /^\/d \/v:off \/s \/c ""\S+script\.cmd" "a b""$/);
    assert.deepEqual(runner.calls.map((c) => c.split(' ')[1]), ['/Create', '/Run', '/Delete']);
    assert.equal(existsSync(join(home, 'tmp')), true);
    await noFilesLeft(home);
  });
});
