/**
 * Kill -9 of the real server in the middle of a 100-device fan-out (issue 4, "Done when"):
 * 100 simulated agents in this process, each taking 1-2 s per run, get one job; the server is
 * SIGKILLed once some results are stored and started again on the same database. Afterwards
 * every run must be terminal, and every result the agents produced stored exactly once, with
 * the output they produced, on the device that produced it; results stored before the kill and
 * sent again (a lost ack) are answered as duplicates. Runs on every test engine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CountingSink } from './counting-sink';
import { createEnrollmentToken, enrollAgents } from './enroller';
import { loadServerHarness, type RealTestServer } from './real-server-harness';
import { SimAgent } from './sim-agent';
import { simulatedStdout } from './sim-output';
import type { ClientSettings } from './sim-types';

const AGENTS = 100;
/** Results stored before the kill: enough to prove the kill lands mid-run, few enough that most come after. */
const KILL_AFTER_RESULTS = 20;
const PAYLOAD = { script: 'echo fanout-crash' };
const TERMINAL = new Set(['succeeded', 'failed', 'timed_out', 'cancelled', 'expired']);

interface StoredRun {
  id: string;
  deviceId: string;
  status: string;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  error: string | null;
}
interface JobDetail {
  runCount: number;
  counts: Record<string, number>;
  runs: StoredRun[];
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, detail: () => string): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms\n${detail()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - started;
}

const harness = loadServerHarness();

for (const engine of harness.testEngines()) {
  test(`kill -9 of the server mid fan-out to ${AGENTS} simulated agents: every run ends, every result is stored once (${engine})`, { timeout: 120_000 }, async (t) => {
    const server: RealTestServer = await harness.TestServer.start({ engine });
    const sink = new CountingSink();
    const agents: SimAgent[] = [];
    const tail = (): string => `sim: ${JSON.stringify(sink.counters)}\nserver:\n${server.output.slice(-2500)}`;
    try {
      const token = await createEnrollmentToken(server.url, server.adminToken, AGENTS);
      const credentials = await enrollAgents({ serverUrl: server.url, enrollmentToken: token, count: AGENTS });
      // 1-2 s of simulated work per run: results trickle in, so the kill lands with runs on both sides of it.
      // A short reconnect backoff: this spec is about what is stored, not how fast a fleet returns
      // (the agent's own 1 s..30 s policy leaves a tail of up to ~30 s after the restart).
      const settings: ClientSettings = {
        serverUrl: server.url, ackTimeoutMs: 10_000, connectTimeoutMs: 10_000, jobWorkMs: 1_000, jobWorkJitterMs: 1_000,
        backoff: { baseMs: 250, capMs: 2_000 },
      };
      for (const credential of credentials) agents.push(new SimAgent(credential, settings, sink));
      agents.forEach((agent) => agent.start());
      await until('all agents online', () => sink.counters.online === AGENTS, 20_000, tail);

      const created = await server.api<{ id: string; runs: { id: string }[] }>('POST', '/api/jobs', {
        role: 'script_exec_system', target: { all: true }, payload: PAYLOAD, timeoutSeconds: 120,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const jobId = created.body.id;
      assert.equal(created.body.runs.length, AGENTS);

      await until('first results stored', () => sink.counters.runResultsAcked >= KILL_AFTER_RESULTS, 15_000, tail);
      const atKill = { ...sink.counters };
      const killedAt = Date.now();
      await server.restart();
      const healthyMs = Date.now() - killedAt;

      const job = async (query = ''): Promise<JobDetail> => (await server.api<JobDetail>('GET', `/api/jobs/${jobId}${query}`)).body;
      let last: JobDetail | undefined;
      const allTerminalMs = await until('every run terminal', async () => {
        last = await job('?limit=1').catch(() => undefined);
        const counts = last?.counts ?? {};
        return Object.entries(counts).filter(([status]) => TERMINAL.has(status)).reduce((n, [, c]) => n + c, 0) === AGENTS;
      }, 50_000, () => `${JSON.stringify(last?.counts)}\n${tail()}`);
      await until('every result acknowledged', () => sink.counters.runResultsPending === 0, 15_000, tail);

      // A result stored before the kill whose ack the kill swallowed comes back after the restart.
      // A real kill hits that window only by chance, so replay every result acked before the
      // kill: the restarted server must answer each as a duplicate and change nothing.
      const storedBeforeKill = agents.flatMap((agent) => [...agent.jobs.journal.values()]
        .filter((r) => r.acknowledgedAt > 0 && r.acknowledgedAt <= killedAt)
        .map((r) => ({ agent, runId: r.runId })));
      assert.ok(storedBeforeKill.length >= KILL_AFTER_RESULTS, `${storedBeforeKill.length} results acked before the kill`);
      for (const { agent, runId } of storedBeforeKill) assert.ok(agent.jobs.replayAcknowledged(runId));
      await until('every replayed result answered', () => sink.counters.runResultsPending === 0, 15_000, tail);
      for (const { agent, runId } of storedBeforeKill) {
        const record = agent.jobs.journal.get(runId)!;
        assert.ok(record.duplicateAcks >= 1, `run ${runId} replayed after the restart was not acked as a duplicate (${record.storedAcks} stored acks)`);
      }
      t.diagnostic(`${engine}: killed after ${atKill.runResultsAcked} stored results (${atKill.runResultsPending} pending, ${atKill.runsStarted} started); ` +
        `healthy ${healthyMs} ms after the kill, all runs terminal ${allTerminalMs} ms after that; ` +
        `resent ${sink.counters.runResultsResent} (${storedBeforeKill.length} of them replays of results acked before the kill), ` +
        `duplicate acks ${sink.counters.runResultsDuplicateAcked}, re-dispatches ${sink.counters.jobDispatchDuplicates}`);
      assert.ok(atKill.runResultsAcked < AGENTS, 'the kill landed before the last result');

      // What the agents produced: one record per run id, across all agents.
      const produced = new Map<string, { agentId: string; stdout: string; storedAcks: number; duplicateAcks: number }>();
      for (const agent of agents) {
        for (const record of agent.jobs.journal.values()) {
          assert.ok(!produced.has(record.runId), `run ${record.runId} was dispatched to two agents`);
          assert.ok(record.result, `run ${record.runId} has no result on its agent`);
          produced.set(record.runId, { agentId: agent.agentId, stdout: record.result.stdout, storedAcks: record.storedAcks, duplicateAcks: record.duplicateAcks });
        }
      }
      assert.equal(produced.size, AGENTS, 'every agent ran its run');
      assert.equal(sink.counters.runsStarted, AGENTS, 'no run was executed twice, re-dispatches included');
      const replayed = new Set(storedBeforeKill.map((r) => r.runId));
      for (const [runId, p] of produced) {
        // The agent stops sending at the first {ok:true}: one answer per run (two for a replayed
        // one). A second "stored" answer for the same run would mean the server applied it twice.
        assert.ok(p.storedAcks <= 1, `run ${runId} stored ${p.storedAcks} times`);
        assert.equal(p.storedAcks + p.duplicateAcks, replayed.has(runId) ? 2 : 1, `run ${runId}: ${p.storedAcks} stored + ${p.duplicateAcks} duplicate acks`);
      }
      assert.equal(sink.counters.runResultsAcked + sink.counters.runResultsDuplicateAcked, AGENTS + replayed.size);
      assert.equal(sink.counters.runResultsRefused, 0, JSON.stringify(sink.counters.errors));

      const stored = await job('?output=true&limit=1000');
      assert.equal(stored.runCount, AGENTS);
      assert.deepEqual(stored.counts, { succeeded: AGENTS }, 'no run failed, expired or stayed open');
      assert.equal(stored.runs.length, AGENTS);
      assert.equal(new Set(stored.runs.map((r) => r.id)).size, AGENTS, 'no run is stored twice');
      assert.deepEqual(new Set(stored.runs.map((r) => r.id)), new Set(produced.keys()), 'stored runs are exactly the runs produced');
      const expected = simulatedStdout(PAYLOAD);
      for (const run of stored.runs) {
        const p = produced.get(run.id)!;
        assert.equal(run.deviceId, p.agentId, `run ${run.id} stored on another device`);
        assert.deepEqual([run.status, run.exitCode, run.stdout, run.stderr, run.error], ['succeeded', 0, p.stdout, '', null], `run ${run.id}`);
        assert.equal(run.stdout, expected);
      }
    } finally {
      agents.forEach((agent) => agent.stop());
      await server.stop();
    }
  });
}
