import assert from 'node:assert/strict';
import { chmodSync, chownSync, readdirSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { TRUNCATION_MARKER } from '@borealis/protocol';
import { AgentProcess } from '../testing/agent-process';
import { testEngines } from '../testing/databases';
import { TestServer, waitFor } from '../testing/server-process';

interface Run { id: string; status: string; exitCode: number | null; stdout: string; stderr: string; error: string | null; stdoutTruncated: boolean }

/** Processes whose command line holds `marker` (to prove a run left nothing behind). */
function processesWith(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) pids.push(Number(entry));
    } catch { /* gone meanwhile */ }
  }
  return pids;
}

// Real scripts through real agent processes on this machine (CI runs as root).
for (const engine of testEngines()) {
  describe(`script jobs through real agents (${engine})`, () => {
    let server: TestServer;
    let agent: AgentProcess;
    let deviceId = '';
    const extra: AgentProcess[] = [];

    const runJob = async (role: string, payload: Record<string, unknown>, options: Record<string, unknown> = {}, target = deviceId): Promise<{ jobId: string; runId: string }> => {
      const created = await server.api('POST', '/api/jobs', { role, target: { deviceIds: [target] }, payload, ...options });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return { jobId: created.body.id, runId: created.body.runs[0].id };
    };
    const finished = async (runId: string, timeoutMs = 20_000): Promise<Run> => {
      let run: Run | undefined;
      await waitFor(async () => {
        run = (await server.api('GET', `/api/runs/${runId}`)).body;
        return ['succeeded', 'failed', 'timed_out', 'cancelled', 'expired'].includes(run!.status);
      }, timeoutMs, () => `run ${runId}: ${JSON.stringify(run)}\n${agent.output.slice(-1500)}`);
      return run!;
    };
    const startAgent = async (home?: string, env: Record<string, string> = {}, uidGid?: [number, number]): Promise<{ agent: AgentProcess; id: string }> => {
      const known = new Set(((await server.api('GET', '/api/devices')).body.items as { id: string }[]).map((d) => d.id));
      const started = new AgentProcess(server.url, home);
      // The interactive user's scripts live under the agent home: it must be traversable (o+x).
      chmodSync(started.home, 0o711);
      if (uidGid) {
        chownSync(started.home, uidGid[0], uidGid[1]);
      }
      started.start(await server.enrollmentToken({ maxUses: 1 }), env, uidGid);
      let id = '';
      await waitFor(async () => {
        const fresh = ((await server.api('GET', '/api/devices?online=true')).body.items as { id: string }[]).find((d) => !known.has(d.id));
        id = fresh?.id ?? '';
        return Boolean(id);
      }, 15_000, () => started.output.slice(-2000));
      return { agent: started, id };
    };

    before(async () => {
      server = await TestServer.start({ engine, env: { BOREALIS_HEARTBEAT_INTERVAL_SECONDS: '2' } });
      ({ agent, id: deviceId } = await startAgent());
    });
    after(async () => {
      for (const a of [agent, ...extra]) await a?.dispose();
      await server?.stop();
    });

    it('maps exit codes to succeeded/failed and returns stdout and stderr exactly', async () => {
      const ok = await finished((await runJob('script_exec_system', { script: "printf 'héllo ✓ 日本\\n'; printf 'warn\\n' >&2" })).runId);
      assert.equal(ok.status, 'succeeded');
      assert.equal(ok.exitCode, 0);
      assert.equal(ok.stdout, 'héllo ✓ 日本\n');
      assert.equal(ok.stderr, 'warn\n');
      const bad = await finished((await runJob('script_exec_system', { script: 'echo partial; exit 3' })).runId);
      assert.equal(bad.status, 'failed');
      assert.equal(bad.exitCode, 3);
      assert.equal(bad.stdout, 'partial\n');
    });

    it('passes args and env without re-interpreting the script', async () => {
      const run = await finished((await runJob('script_exec_system', {
        script: 'echo "$1|$2|$GREETING"; echo \'$(not run); `nor this`\'', args: ['a b', '$HOME'], env: { GREETING: 'hi; rm -rf /' },
      })).runId);
      assert.equal(run.stdout, 'a b|$HOME|hi; rm -rf /\n$(not run); `nor this`\n');
    });

    it('truncates output beyond 1 MiB with the marker', async () => {
      const run = await finished((await runJob('script_exec_system', { script: "head -c 3000000 /dev/zero | tr '\\0' 'x'" })).runId);
      assert.equal(run.status, 'succeeded');
      assert.equal(run.stdoutTruncated, true);
      assert.ok(run.stdout.endsWith(TRUNCATION_MARKER));
      assert.equal(Buffer.byteLength(run.stdout) - Buffer.byteLength(TRUNCATION_MARKER), 1024 * 1024);
    });

    it('ends a run that exceeds its timeout as timed_out and leaves no process behind', async () => {
      const marker = `brl-timeout-${randomUUID()}`;
      const run = await finished((await runJob('script_exec_system', { script: `sleep 300 & sleep 301; : ${marker}` }, { timeoutSeconds: 1 })).runId);
      assert.equal(run.status, 'timed_out');
      await waitFor(() => processesWith(marker).length === 0, 5000, () => `left behind: ${processesWith(marker)}`);
    });

    it('cancels a running run and kills its processes', async () => {
      const marker = `brl-cancel-${randomUUID()}`;
      const { jobId, runId } = await runJob('script_exec_system', { script: `echo started; sleep 300; : ${marker}` });
      await waitFor(async () => (await server.api('GET', `/api/runs/${runId}`)).body.status === 'running', 10_000);
      assert.equal((await server.api('POST', `/api/jobs/${jobId}/cancel`)).body.stopping, 1);
      const run = await finished(runId);
      assert.equal(run.status, 'cancelled');
      await waitFor(() => processesWith(marker).length === 0, 5000, () => `left behind: ${processesWith(marker)}`);
    });

    it('runs the system context as root and the interactive context as the configured session user', async () => {
      assert.equal((await finished((await runJob('script_exec_system', { script: 'id -u' })).runId)).stdout, '0\n');
      await server.api('PATCH', `/api/devices/${deviceId}`, { roles: { script_exec_currentuser: { user: 'nobody' } } });
      await waitFor(async () => {
        const run = await finished((await runJob('script_exec_currentuser', { script: 'id -un' })).runId);
        return run.stdout === 'nobody\n';
      }, 10_000);
    });

    it('fails system runs with a clear error when the agent has no rights', async () => {
      const { agent: unprivileged, id } = await startAgent(undefined, {}, [65534, 65534]);
      extra.push(unprivileged);
      const run = await finished((await runJob('script_exec_system', { script: 'id -u' }, {}, id)).runId);
      assert.equal(run.status, 'failed');
      assert.match(run.error ?? '', /^system context unavailable/);
    });

    it('runs a job queued for an offline device when it comes online', async () => {
      const { agent: later, id } = await startAgent();
      extra.push(later);
      await later.stop('SIGTERM');
      await waitFor(async () => !(await server.api('GET', `/api/devices/${id}`)).body.online, 5000);
      const { runId } = await runJob('script_exec_system', { script: 'echo late' }, {}, id);
      assert.equal((await server.api('GET', `/api/runs/${runId}`)).body.status, 'queued');
      later.start();
      const run = await finished(runId);
      assert.equal(run.stdout, 'late\n');
    });

    it('survives kill -9 of the agent during a run: the run ends, exactly once', async () => {
      const { agent: victim, id } = await startAgent();
      extra.push(victim);
      const { runId } = await runJob('script_exec_system', { script: 'echo begun; sleep 30' }, {}, id);
      await waitFor(async () => (await server.api('GET', `/api/runs/${runId}`)).body.status === 'running', 10_000);
      victim.signal('SIGKILL');
      await new Promise((r) => setTimeout(r, 300));
      victim.start();
      const run = await finished(runId, 30_000);
      assert.equal(run.status, 'failed');
      assert.match(run.error ?? '', /agent restarted/);
    });

    it('survives kill -9 of the server during a run: the result produced meanwhile is stored', async () => {
      const { runId } = await runJob('script_exec_system', { script: 'sleep 2; echo done-while-server-down' });
      await waitFor(async () => (await server.api('GET', `/api/runs/${runId}`)).body.status === 'running', 10_000);
      await server.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 3000)); // the run finishes while the server is down
      await server.restart();
      const run = await finished(runId, 40_000);
      assert.equal(run.status, 'succeeded');
      assert.equal(run.stdout, 'done-while-server-down\n');
    });
  });
}
