#!/usr/bin/env node
// Job fan-out benchmark: a simulated fleet connects to (a) the bare Socket.IO echo server and
// (b) the real Borealis server, each alone in its process; on each, one `echo` job to 100 agents
// is timed over several trials, then one job to the whole fleet: POST -> 201, last dispatch at
// the agents, every run stored (API poll) and the last result ack, results/s, server CPU and RSS.
// Prints the real/bare ratios and PASS/FAIL per goal (a missed goal does not fail the command).
// Usage: npm run bench:fanout -- [--agents 10000] [--small-trials 20] [--skip-bare] [--json FILE]  (see --help)
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertPortFree, startBareServer, startRealServer, realServerEntry } from './bench/servers.mjs';
import { log } from './bench/phase.mjs';
import { prepareWorkDir } from './bench/work-dir.mjs';
import { benchLifecycle, numberOptions } from './bench/lifecycle.mjs';
import { bareTarget, realTarget } from './bench/fanout-targets.mjs';
import { measureFanout, smallTrials } from './bench/fanout-measure.mjs';
import { comparisonTable, evaluateGoals, formatGoals } from './bench/fanout-report.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const simDist = join(root, 'apps/agent/dist/sim');

const { values: a } = parseArgs({
  options: {
    agents: { type: 'string', default: '10000' },
    'small-agents': { type: 'string', default: '100' },
    'small-trials': { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    'work-ms': { type: 'string', default: '0' },
    'poll-ms': { type: 'string', default: '5' },
    'big-poll-ms': { type: 'string', default: '50' },
    'big-timeout': { type: 'string', default: '120' },
    settle: { type: 'string', default: '3' },
    'ramp-rate': { type: 'string', default: '500' },
    processes: { type: 'string' },
    'skip-bare': { type: 'boolean', default: false },
    'skip-real': { type: 'boolean', default: false },
    port: { type: 'string', default: '5087' },
    'bare-port': { type: 'string', default: '5088' },
    'work-dir': { type: 'string', default: join(tmpdir(), 'borealis-bench-fanout') },
    fresh: { type: 'boolean', default: false },
    'server-node-args': { type: 'string', default: '' },
    json: { type: 'string' },
    'max-minutes': { type: 'string', default: '15' },
    help: { type: 'boolean', default: false },
  },
});
if (a.help) {
  process.stdout.write(`bench-fanout options (defaults):
  --agents 10000          simulated agents (sockets), spread over processes of < 4,900 each; the big job goes to all
  --small-agents 100      agents of the small job (the first ones of the fleet, by device id)
  --small-trials 20       measured small jobs, after --warmup 3 unmeasured ones (0 = skip the small case)
  --work-ms 0             simulated run time per job on the agents
  --poll-ms 5             pause between GET polls in the small case;  --big-poll-ms 50 in the big case
  --big-timeout 120       seconds to wait for every run of the big job
  --settle 3              seconds between all agents online and the first job
  --ramp-rate 500         connects per second while ramping;  --processes N  simulator processes
  --skip-bare --skip-real run one side only
  --port 5087 --bare-port 5088
  --work-dir DIR          real server data, logs and the enrolled-agent cache (reused across runs)
  --fresh                 wipe the work dir first (re-enrolls every agent)
  --server-node-args="--cpu-prof --cpu-prof-dir=/tmp/prof"   Node flags for both servers (never the simulator)
  --json FILE             write all results as JSON;  --max-minutes 15  hard stop\n`);
  process.exit(0);
}
const num = numberOptions(a);
const agents = num('agents');
const smallAgents = Math.min(num('small-agents'), agents);
const config = {
  agents,
  smallAgents,
  smallTrials: num('small-trials'),
  warmup: num('warmup'),
  workMs: num('work-ms'),
  pollMs: num('poll-ms'),
  bigPollMs: num('big-poll-ms'),
  bigTimeoutMs: num('big-timeout') * 1000,
  settleMs: num('settle') * 1000,
  rampRate: num('ramp-rate'),
  processes: a.processes ? num('processes') : undefined,
};
// The real server's defaults (30 s heartbeat, 60 s/30 s ping) on both, and the same Node flags.
const serverSettings = {
  heartbeatMs: 30000,
  pingIntervalMs: 60000,
  pingTimeoutMs: 30000,
  nodeArgs: a['server-node-args'].split(' ').filter(Boolean),
};

const sim = {
  ...require(join(simDist, 'fleet.js')),
  ...require(join(simDist, 'fleet-credentials.js')),
};
const { fleets, cleanup, done: stopHardStop } = benchLifecycle(num('max-minutes'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Connects the fleet, runs the small trials and the big job on `target`, disconnects. */
async function runPhase({ server, target, credentials, small, big }) {
  const fleet = new sim.Fleet({
    serverUrl: server.url, credentials, processes: config.processes, rampPerSecond: config.rampRate, reportMs: 100, jobWorkMs: config.workMs,
  });
  fleets.add(fleet);
  const ticker = setInterval(() => log(`${target.label}: ${fleet.snapshot().counters.online}/${credentials.length} online`), 5000);
  try {
    await fleet.start();
    const rampStart = performance.now();
    const allOnline = await fleet.waitFor((s) => s.counters.online >= credentials.length, (credentials.length / config.rampRate) * 2000 + 60000);
    clearInterval(ticker);
    const rampSeconds = Math.round(performance.now() - rampStart) / 1000;
    if (!allOnline) throw new Error(`${target.label}: only ${fleet.snapshot().counters.online}/${credentials.length} agents online after ${rampSeconds} s`);
    log(`${target.label}: all ${credentials.length} agents online after ${rampSeconds} s`);
    await sleep(config.settleMs);
    const smallResult = config.smallTrials > 0
      ? await smallTrials({ fleet, target, selection: small, trials: config.smallTrials, warmup: config.warmup, pollMs: config.pollMs, log })
      : undefined;
    await sleep(1000);
    log(`${target.label}: one job to all ${credentials.length} agents`);
    const bigResult = await measureFanout({
      fleet, target, selection: big, pollMs: config.bigPollMs, timeoutMs: config.bigTimeoutMs, serverPid: server.pid, simPids: fleet.workerPids,
    });
    log(`${target.label}: POST ${bigResult.postMs} ms, all stored ${bigResult.storedMs ?? 'NOT'} ms, last ack ${bigResult.lastResultAckMs} ms, ${bigResult.resultsPerSecond}/s`);
    return { label: target.label, agents: credentials.length, rampSeconds, small: smallResult, big: bigResult };
  } finally {
    clearInterval(ticker);
    await fleet.stop();
    fleets.delete(fleet);
  }
}

async function benchBare() {
  const port = num('bare-port');
  await assertPortFree(port);
  const server = await startBareServer({ root, port, logDir: join(a['work-dir'], 'logs'), ...serverSettings });
  log(`bare: echo server pid ${server.pid} on ${server.url}`);
  try {
    return await runPhase({
      server, target: bareTarget(server.url), credentials: sim.fakeCredentials(agents), small: { count: smallAgents }, big: { count: agents },
    });
  } finally {
    await server.stop();
  }
}

async function benchReal() {
  const { dir, adminToken } = prepareWorkDir(a['work-dir'], a.fresh);
  const port = num('port');
  await assertPortFree(port);
  const server = await startRealServer({ root, port, adminToken, dataDir: join(dir, 'data'), logDir: join(dir, 'logs'), ...serverSettings });
  log(`real: server pid ${server.pid} on ${server.url} (started in ${server.startSeconds} s, data ${dir}/data)`);
  try {
    const credentials = await sim.fleetCredentials({
      serverUrl: server.url, count: agents, statePath: join(dir, 'sim-state.json'), adminToken, log: (l) => log(`real: ${l}`),
    });
    const target = realTarget(server.url, adminToken);
    const ids = credentials.map((c) => c.agentId);
    // `all` is what an operator sends; it is exact only when the database holds just this fleet.
    const devices = await target.deviceCount();
    const big = devices === agents ? { all: true } : { deviceIds: ids };
    log(`real: ${devices} devices in the database: the big job targets ${big.all ? 'all' : `${agents} device ids`}`);
    return { ...(await runPhase({ server, target, credentials, small: { deviceIds: ids.slice(0, smallAgents) }, big })), bigTarget: big.all ? 'all' : 'deviceIds' };
  } finally {
    await server.stop();
  }
}

async function main() {
  if (!existsSync(join(simDist, 'fleet.js'))) throw new Error('apps/agent/dist/sim is missing: run npm run build');
  const runReal = !a['skip-real'];
  if (runReal && !existsSync(realServerEntry(root))) throw new Error(`${realServerEntry(root)} is missing: build the server, or pass --skip-real`);
  mkdirSync(join(a['work-dir'], 'logs'), { recursive: true });
  const started = Date.now();
  // The machine may be shared: the load before and after goes with the figures.
  const loadAtStart = loadavg()[0];
  log(`${agents} agents; small job ${smallAgents} agents x ${config.smallTrials} trials; work ${config.workMs} ms per run`);
  const bare = a['skip-bare'] ? undefined : await benchBare();
  const real = runReal ? await benchReal() : undefined;
  const goals = evaluateGoals(real);
  const machine = {
    cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 1024 ** 3), node: process.version,
    loadAvg1mStart: loadAtStart, loadAvg1mEnd: loadavg()[0],
  };
  const out = process.stdout;
  out.write(`\nJob fan-out benchmark: ${agents} agents, small job to ${smallAgents} (${config.smallTrials} trials), work ${config.workMs} ms\n`);
  out.write(`machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node} (server and simulator share the cores), load average ${machine.loadAvg1mStart.toFixed(1)} at start, ${machine.loadAvg1mEnd.toFixed(1)} at end\n\n`);
  out.write(`${comparisonTable(bare, real)}\n\n`);
  if (bare?.big?.storedMs && real?.big?.storedMs) out.write(`HEADLINE real/bare time to all ${agents} results: ${(real.big.storedMs / bare.big.storedMs).toFixed(2)}x\n`);
  if (bare?.small && real?.small) out.write(`HEADLINE real/bare time to all ${smallAgents} results (median): ${(real.small.storedMs.median / bare.small.storedMs.median).toFixed(2)}x\n`);
  out.write(`\n${formatGoals(goals)}\n`);
  const results = { config, serverSettings, machine, bare, real, goals, totalSeconds: Math.round((Date.now() - started) / 1000) };
  if (a.json) writeFileSync(a.json, `${JSON.stringify(results, null, 2)}\n`);
  out.write(`\ntotal ${results.totalSeconds} s${a.json ? `, results in ${a.json}` : ''}\n`);
}

main().then(
  () => { stopHardStop(); process.exit(0); },
  (err) => { log(`failed: ${err.stack ?? err}`); cleanup(); process.exit(1); },
);
