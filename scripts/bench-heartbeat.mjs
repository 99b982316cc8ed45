#!/usr/bin/env node
// Heartbeat benchmark: the same simulated fleet against (a) a bare Socket.IO echo server and
// (b) the real Borealis server, each in its own process; prints heartbeats/s, ack latency,
// server CPU and RSS, CPU per 1000 heartbeats, the real/bare ratio and PASS/FAIL per goal.
// Optional restart scenario: SIGKILL the real server and time the fleet's return.
// Usage: npm run bench:heartbeat -- [--agents 19500] [--heartbeat-ms 30000] [--window 60]
//        [--skip-bare] [--skip-real] [--restart] [--fresh] [--json FILE]   (see --help)
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertPortFree, startBareServer, startRealServer, realServerEntry } from './bench/servers.mjs';
import { log, runPhase } from './bench/phase.mjs';
import { runRestart } from './bench/restart.mjs';
import { prepareWorkDir } from './bench/work-dir.mjs';
import { benchLifecycle, numberOptions } from './bench/lifecycle.mjs';
import { comparisonTable, emulatedAgents, evaluateGoals, formatGoals } from './bench/report.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const simDist = join(root, 'apps/agent/dist/sim');

const { values: a } = parseArgs({
  options: {
    agents: { type: 'string', default: '19500' },
    'heartbeat-ms': { type: 'string', default: '30000' },
    window: { type: 'string', default: '60' },
    settle: { type: 'string', default: '5' },
    'ramp-rate': { type: 'string', default: '500' },
    processes: { type: 'string' },
    'skip-bare': { type: 'boolean', default: false },
    'skip-real': { type: 'boolean', default: false },
    restart: { type: 'boolean', default: false },
    'restart-timeout': { type: 'string', default: '150' },
    'restart-sim-nice': { type: 'string', default: '0' },
    port: { type: 'string', default: '5077' },
    'bare-port': { type: 'string', default: '5078' },
    'ping-interval': { type: 'string', default: '60' },
    'ping-timeout': { type: 'string', default: '30' },
    'work-dir': { type: 'string', default: join(tmpdir(), 'borealis-bench-heartbeat') },
    fresh: { type: 'boolean', default: false },
    'server-node-args': { type: 'string', default: '' },
    json: { type: 'string' },
    'max-minutes': { type: 'string', default: '15' },
    help: { type: 'boolean', default: false },
  },
});
if (a.help) {
  process.stdout.write(`bench-heartbeat options (defaults):
  --agents 19500          sockets (spread over sim processes < 4,900 sockets each)
  --heartbeat-ms 30000    server-set interval; 11700 with 19,500 sockets emulates 50,000 agents
  --window 60 --settle 5  measured seconds, and a pause after the ramp before measuring
  --ramp-rate 500         connects per second while ramping
  --processes N           simulator processes (default: agents / 4,900)
  --skip-bare --skip-real run one side only;  --restart  SIGKILL + restart scenario (bare and real)
  --restart-timeout 150   seconds to wait for the whole fleet to be back after the kill
  --restart-sim-nice 0    nice value of the simulator processes during the restart (they stand
                          in for other machines; 10 keeps them from starving the server's boot)
  --port 5077 --bare-port 5078 --ping-interval 60 --ping-timeout 30 (seconds, both servers)
  --work-dir DIR          real server data, logs and the enrolled-agent cache (reused across runs)
  --fresh                 wipe the work dir first (re-enrolls every agent)
  --server-node-args "--max-semi-space-size=64"   Node flags for both servers (never the simulator)
  --json FILE             write all results as JSON;  --max-minutes 15  hard stop\n`);
  process.exit(0);
}
const num = numberOptions(a);
const agents = num('agents');
const heartbeatMs = num('heartbeat-ms');
const options = {
  windowSeconds: num('window'),
  settleSeconds: num('settle'),
  rampRate: num('ramp-rate'),
  processes: a.processes ? num('processes') : undefined,
};
// Same Node flags for both servers, so a GC setting changes both sides of the ratio alike.
const ping = {
  pingIntervalMs: num('ping-interval') * 1000,
  pingTimeoutMs: num('ping-timeout') * 1000,
  nodeArgs: a['server-node-args'].split(' ').filter(Boolean),
};

const sim = {
  ...require(join(simDist, 'fleet.js')),
  ...require(join(simDist, 'fleet-totals.js')),
  ...require(join(simDist, 'fleet-credentials.js')),
};
const { fleets, cleanup, done: stopHardStop } = benchLifecycle(num('max-minutes'));

async function stopFleet(fleet) {
  await fleet.stop();
  fleets.delete(fleet);
}

async function benchBare() {
  await assertPortFree(num('bare-port'));
  const logDir = join(a['work-dir'], 'logs');
  const start = () => startBareServer({ root, port: num('bare-port'), heartbeatMs, logDir, ...ping });
  let server = await start();
  log(`bare: echo server pid ${server.pid} on ${server.url}`);
  try {
    const { fleet, result } = await runPhase({ sim, server, credentials: sim.fakeCredentials(agents), options });
    fleets.add(fleet);
    if (a.restart) {
      // The same kill + restart against bare Socket.IO: the floor for the real server's figure.
      const r = await runRestart({ fleet, server, startServer: start, adminToken: undefined, agents, timeoutSeconds: num('restart-timeout'), label: 'bare', simNice: num('restart-sim-nice') });
      server = r.server;
      result.restart = r.result;
    }
    await stopFleet(fleet);
    return result;
  } finally {
    await server.stop();
  }
}

async function benchReal() {
  const { dir, adminToken } = prepareWorkDir(a['work-dir'], a.fresh);
  const port = num('port');
  await assertPortFree(port);
  const start = () => startRealServer({
    root, port, heartbeatMs, adminToken, dataDir: join(dir, 'data'), logDir: join(dir, 'logs'), ...ping,
  });
  let server = await start();
  log(`real: server pid ${server.pid} on ${server.url} (started in ${server.startSeconds} s, data ${dir}/data)`);
  try {
    const credentials = await sim.fleetCredentials({
      serverUrl: server.url, count: agents, statePath: join(dir, 'sim-state.json'), adminToken, log: (l) => log(`real: ${l}`),
    });
    const { fleet, result } = await runPhase({ sim, server, credentials, options });
    fleets.add(fleet);
    let restart;
    if (a.restart) {
      const r = await runRestart({ fleet, server, startServer: start, adminToken, agents, timeoutSeconds: num('restart-timeout'), simNice: num('restart-sim-nice') });
      server = r.server;
      restart = r.result;
    }
    await stopFleet(fleet);
    return { result, restart };
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
  log(`${agents} agents, heartbeat ${heartbeatMs} ms (emulates ${emulatedAgents(agents, heartbeatMs)} agents at 30 s), window ${options.windowSeconds} s`);
  const bare = a['skip-bare'] ? undefined : await benchBare();
  const realRun = runReal ? await benchReal() : undefined;
  const real = realRun?.result;
  const restart = realRun?.restart;
  const goals = evaluateGoals({ bare, real, restart, agents, heartbeatMs });
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 1024 ** 3), node: process.version };
  const ratio = bare?.cpuMsPer1000Heartbeats && real?.cpuMsPer1000Heartbeats
    ? Math.round((real.cpuMsPer1000Heartbeats / bare.cpuMsPer1000Heartbeats) * 100) / 100 : undefined;
  const out = process.stdout;
  out.write(`\nHeartbeat benchmark: ${agents} agents, heartbeat ${heartbeatMs} ms, ${emulatedAgents(agents, heartbeatMs)} emulated agents, window ${options.windowSeconds} s\n`);
  out.write(`machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node} (server and simulator share the cores)\n\n`);
  out.write(`${comparisonTable(bare, real)}\n\n`);
  if (ratio !== undefined) out.write(`HEADLINE real/bare server CPU per heartbeat: ${ratio}x\n`);
  if (bare?.restart) out.write(`bare restart: ${JSON.stringify(bare.restart)}\n`);
  if (restart) out.write(`restart: ${JSON.stringify(restart)}\n`);
  out.write(`\n${formatGoals(goals)}\n`);
  const results = { agents, heartbeatMs, emulatedAgents: emulatedAgents(agents, heartbeatMs), options, ping, machine, bare, real, restart, ratio, goals, totalSeconds: Math.round((Date.now() - started) / 1000) };
  if (a.json) writeFileSync(a.json, `${JSON.stringify(results, null, 2)}\n`);
  out.write(`\ntotal ${results.totalSeconds} s${a.json ? `, results in ${a.json}` : ''}\n`);
}

main().then(
  () => { stopHardStop(); process.exit(0); },
  (err) => { log(`failed: ${err.stack ?? err}`); cleanup(); process.exit(1); },
);
