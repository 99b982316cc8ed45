#!/usr/bin/env node
/**
 * Fleet simulator CLI: `npm run sim -- --agents N [--server URL] [--admin-token T |
 * --enrollment-token T] [--heartbeat-ms M] [--processes P] [--duration S] [--state FILE] [--job-work-ms W]`.
 * Prints a progress line periodically and a JSON summary at the end (duration over or Ctrl-C).
 */
import { Command, InvalidArgumentError } from 'commander';
import { Fleet } from './fleet';
import { fleetCredentials } from './fleet-credentials';
import { formatLine } from './fleet-totals';

interface CliOptions {
  agents: number;
  server: string;
  adminToken?: string;
  enrollmentToken?: string;
  fakeCredentials?: boolean;
  heartbeatMs?: number;
  processes?: number;
  duration: number;
  state: string;
  rampRate: number;
  reportEvery: number;
  jobWorkMs: number;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function nonNegative(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number >= 0');
  return n;
}

async function main(): Promise<void> {
  const program = new Command('borealis-sim')
    .description('Simulated Borealis agent fleet: real protocol clients over Socket.IO')
    .requiredOption('--agents <n>', 'number of simulated agents', positiveInt)
    .option('--server <url>', 'server URL', 'http://127.0.0.1:5000')
    .option('--admin-token <token>', 'creates an enrollment token to enroll missing agents')
    .option('--enrollment-token <token>', 'enrollment token for missing agents')
    .option('--fake-credentials', 'random credentials, no enrollment (bare echo server only)')
    .option('--heartbeat-ms <ms>', 'override the server-set heartbeat interval (emulate a bigger fleet)', positiveInt)
    .option('--processes <n>', 'worker processes (default: one per 4,900 agents)', positiveInt)
    .option('--duration <s>', 'seconds to run after the ramp starts; 0 = until Ctrl-C', nonNegative, 0)
    .option('--state <file>', 'credential cache', 'data/sim-state.json')
    .option('--ramp-rate <n>', 'connects per second while ramping up', positiveInt, 500)
    .option('--report-every <s>', 'seconds between progress lines', positiveInt, 5)
    .option('--job-work-ms <ms>', 'simulated run time of each dispatched job', nonNegative, 0)
    .parse();
  const o = program.opts<CliOptions>();
  const log = (line: string): void => void process.stderr.write(`[sim] ${line}\n`);

  const credentials = await fleetCredentials({
    serverUrl: o.server,
    count: o.agents,
    statePath: o.state,
    adminToken: o.adminToken,
    enrollmentToken: o.enrollmentToken,
    fake: o.fakeCredentials,
    log,
  });
  const fleet = new Fleet({
    serverUrl: o.server,
    credentials,
    processes: o.processes,
    rampPerSecond: o.rampRate,
    heartbeatMsOverride: o.heartbeatMs,
    jobWorkMs: o.jobWorkMs,
  });
  process.on('exit', () => fleet.kill());
  await fleet.start();
  log(`${o.agents} agents in ${fleet.workerPids.length} processes, ramp ${o.rampRate}/s -> ${o.server}`);

  const started = Date.now();
  let allOnlineAfterS: number | undefined;
  fleet.onReport(() => {
    if (allOnlineAfterS === undefined && fleet.snapshot().counters.online >= o.agents) {
      allOnlineAfterS = (Date.now() - started) / 1000;
      fleet.markWindow(); // steady state: everything after this is the fleet at full size
      log(`all ${o.agents} agents online after ${allOnlineAfterS.toFixed(1)} s`);
    }
  });
  const ticker = setInterval(() => {
    const { snapshot, interval } = fleet.takeInterval();
    log(formatLine(snapshot, interval));
  }, o.reportEvery * 1000);

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    if (o.duration > 0) setTimeout(resolve, o.duration * 1000);
  });
  clearInterval(ticker);
  const atEnd = fleet.snapshot();
  const steady = allOnlineAfterS === undefined ? undefined : fleet.windowStats();
  const final = await fleet.stop();
  const summary = {
    server: o.server,
    agents: o.agents,
    processes: atEnd.workers,
    runSeconds: Math.round((atEnd.at - started) / 100) / 10,
    allOnlineAfterS,
    onlineAtEnd: atEnd.counters.online,
    heartbeatMs: o.heartbeatMs ?? atEnd.counters.serverHeartbeatMs,
    totals: { ...final.counters, online: undefined, open: undefined },
    latencyAllMs: fleet.totalLatency().summary(),
    steadyState: steady,
  };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`[sim] ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
