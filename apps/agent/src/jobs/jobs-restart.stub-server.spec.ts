/**
 * An agent PROCESS killed with SIGKILL mid-run, against the PROTOCOL STUB SERVER
 * (testing/protocol-stub-server.ts). The child is testing/job-agent-child.ts: the real Agent
 * class with the test-only job roles (the CLI would host the shipped roles, which run no jobs yet).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobEvents } from '@borealis/protocol';
import { CredentialsStore } from '../home/credentials-store';
import { JOB_TEST_ROLE, RUN_LOG_FILE } from '../testing/job-test-roles';
import { ProtocolStubServer, eventually } from '../testing/protocol-stub-server';
import { RESTARTED_ERROR } from './job-runner';

const CHILD = join(__dirname, '..', 'testing', 'job-agent-child.js');

describe('Jobs: agent process killed during a run, against the protocol stub server', () => {
  let stub: ProtocolStubServer;
  let home: string;
  const children: ChildProcess[] = [];

  before(async () => {
    stub = new ProtocolStubServer();
    stub.config = { revision: 1, heartbeatIntervalMs: 1_000, roles: {} };
    await stub.start();
    stub.addAgent('agent-killed', 'secret-killed');
    home = mkdtempSync(join(tmpdir(), 'borealis-agent-kill-'));
    new CredentialsStore(home).save({ agentId: 'agent-killed', secret: 'secret-killed', serverUrl: stub.url });
  });

  after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await stub.stop();
    rmSync(home, { recursive: true, force: true });
  });

  /** Starts the agent process and resolves once it printed `online`. */
  async function startChild(): Promise<ChildProcess> {
    const child = spawn(process.execPath, [CHILD, stub.url, home], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4_000)));
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    await eventually('child printed online', () => stdout.includes('online') || child.exitCode !== null, 10_000);
    assert.equal(child.exitCode, null, stderr);
    return child;
  }

  it('a run interrupted by SIGKILL is reported failed "agent restarted during the run" after the restart, never run twice', async () => {
    const first = await startChild();
    const { message, acks } = await stub.dispatchJob({ role: JOB_TEST_ROLE, payload: { echo: 'working', sleepMs: 60_000 } });
    assert.deepEqual(acks, [{ ok: true, accepted: true }]);
    const started = await eventually('run.started', () => stub.runStarts.find((s) => s.message.runId === message.runId));
    const journaled = JSON.parse(readFileSync(join(home, 'outbox', `${message.runId}.json`), 'utf8')) as { state: string };
    assert.equal(journaled.state, 'running', 'journaled before run.started was sent');

    const disconnected = stub.disconnects.length;
    first.kill('SIGKILL');
    await once(first, 'exit');
    await eventually('stub saw the link die', () => stub.disconnects.length > disconnected);
    assert.equal(stub.resultsOf(message.runId).length, 0, 'the killed agent sent no result');

    const second = await startChild();
    const result = await eventually('result after restart', () => stub.resultsOf(message.runId)[0], 5_000);
    assert.deepEqual(
      { status: result.status, exitCode: result.exitCode, error: result.error, startedAt: result.startedAt },
      { status: 'failed', exitCode: null, error: RESTARTED_ERROR, startedAt: started.message.startedAt },
    );
    await eventually('outbox empty after the ack', () => !readdirSync(join(home, 'outbox')).some((f) => f.endsWith(`${message.runId}.json`)));

    // The server dispatching the same run again (say its ack was lost) must not start it.
    assert.deepEqual(await stub.send(JobEvents.dispatch, message), [{ ok: true, accepted: false, status: 'failed' }]);
    assert.equal(stub.resultsOf(message.runId).length, 1, 'delivered once');
    assert.ok(existsSync(join(home, RUN_LOG_FILE)));
    assert.deepEqual(readFileSync(join(home, RUN_LOG_FILE), 'utf8').trim().split('\n'), [message.runId], 'started once');

    second.kill('SIGTERM');
    const [code] = await once(second, 'exit');
    assert.equal(code, 0);
  });
});
