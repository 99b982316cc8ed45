#!/usr/bin/env node
// `npm run bench:agent-binary [-- --startup-runs 10 --idle-minutes 10 --soak-minutes 0]`
// The single binary (build/out/borealis-agent-linux-x64, Node 22) against the baseline measured in
// the same run: the same agent from source on the machine's Node (apps/agent/dist/cli.js).
//  - startup: spawn -> `connected` (device online on the server), first start (enrollment
//    included) and restart (credentials on disk), alternating binary/source, medians.
//  - idle: both agents side by side, default 30 s heartbeat, RSS and CPU over the window.
//  - soak: a server with BOREALIS_HEARTBEAT_INTERVAL_SECONDS=1, both agents, RSS every 10 s;
//    the RSS slope (least squares) after the warm-up is the leak figure (goal < 1 MiB/h).
// Build the binary first: `npm run build:agent`.
import { existsSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { ProcSampler, rssBytes } from './bench/proc-sampler.mjs';
import { BINARY, BenchAgent, median, rssAnonBytes, slopeMiBPerHour } from './bench/agent-runner.mjs';

const require = createRequire(import.meta.url);
const { TestServer, waitFor } = require('../apps/server/dist/testing/server-process.js');

const { values } = parseArgs({
  options: {
    'startup-runs': { type: 'string', default: '10' },
    'idle-minutes': { type: 'string', default: '10' },
    'idle-warmup-seconds': { type: 'string', default: '30' },
    'soak-minutes': { type: 'string', default: '0' },
    'soak-warmup-minutes': { type: 'string', default: '10' },
    'json-out': { type: 'string' },
  },
});
if (!existsSync(BINARY)) {
  console.error(`${BINARY} is missing: run npm run build:agent first`);
  process.exit(1);
}
const KINDS = ['binary', 'source'];
const mib = (bytes) => Math.round((bytes / 1048576) * 10) / 10;
const ratio = (a, b) => (b > 0 ? `${(a / b).toFixed(2)}x` : 'n/a');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const results = { startedAt: new Date().toISOString(), binary: BINARY };
// Other work on the same two cores shifts startup and CPU figures: every phase prints the load.
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

async function onlineCount(server) {
  return (await server.api('GET', '/api/devices?online=true')).body.total;
}

async function startup(runs) {
  const server = await TestServer.start();
  const times = { binary: { first: [], restart: [] }, source: { first: [], restart: [] } };
  try {
    for (let i = 0; i < runs; i++) {
      for (const kind of i % 2 === 0 ? KINDS : [...KINDS].reverse()) {
        const agent = new BenchAgent(kind, server.url).start(await server.enrollmentToken());
        times[kind].first.push(await agent.online);
        await agent.stop();
        agent.start(); // same home: credentials on disk, no enrollment
        times[kind].restart.push(await agent.online);
        await agent.dispose();
      }
    }
  } finally {
    await server.stop();
  }
  const row = (label, key) => {
    const b = median(times.binary[key]);
    const s = median(times.source[key]);
    const range = (xs) => `${Math.round(Math.min(...xs))}-${Math.round(Math.max(...xs))}`;
    return `| ${label} | ${Math.round(b)} (${range(times.binary[key])}) | ${Math.round(s)} (${range(times.source[key])}) | ${ratio(b, s)} |`;
  };
  console.log(`\n### Startup to online (${runs} runs each, median ms (min-max); load average ${load()})\n`);
  console.log('| | binary | source (baseline) | binary/source |\n|---|---|---|---|');
  console.log(row('first start (enrolls)', 'first'));
  console.log(row('restart (enrolled)', 'restart'));
  results.startup = times;
}

/** Both agents on one server for `minutes`; returns per-kind samples and window figures. */
async function sideBySide({ minutes, warmupMs, everyMs, env, label, logPrefix }) {
  const server = await TestServer.start({ env });
  const agents = KINDS.map((kind) => new BenchAgent(kind, server.url, { logFile: `${logPrefix}-${kind}.log` }));
  try {
    for (const agent of agents) agent.start(await server.enrollmentToken());
    await waitFor(async () => (await onlineCount(server)) === 2, 20_000, () => 'agents not online');
    console.log(`${label}: both online; warm-up ${warmupMs / 1000} s, then ${minutes} min, RSS every ${everyMs / 1000} s`);
    await sleep(warmupMs);
    const samplers = Object.fromEntries(agents.map((a) => [a.kind, new ProcSampler(a.pid, everyMs).start()]));
    const t0 = performance.now();
    const series = Object.fromEntries(KINDS.map((k) => [k, []]));
    const endAt = t0 + minutes * 60_000;
    let nextReport = t0 + 5 * 60_000;
    while (performance.now() < endAt) {
      await sleep(Math.min(everyMs, endAt - performance.now()));
      const t = (performance.now() - t0) / 1000;
      for (const agent of agents) series[agent.kind].push({ t, rss: rssBytes(agent.pid) ?? 0, anon: rssAnonBytes(agent.pid) ?? 0 });
      if (performance.now() >= nextReport) {
        nextReport += 5 * 60_000;
        console.log(`  ${Math.round(t / 60)} min: ${agents.map((a) => `${a.kind} ${mib(rssBytes(a.pid) ?? 0)} MiB`).join(', ')}; online ${await onlineCount(server)}`);
      }
    }
    const online = await onlineCount(server);
    const window = Object.fromEntries(KINDS.map((k) => [k, samplers[k].stop()]));
    return { series, window, online };
  } finally {
    for (const agent of agents) await agent.dispose();
    await server.stop();
  }
}

async function idle(minutes, warmupSeconds) {
  const { series, window, online } = await sideBySide({
    minutes, warmupMs: warmupSeconds * 1000, everyMs: 5_000, env: {}, label: 'idle', logPrefix: '/tmp/borealis-bench-idle',
  });
  console.log(`\n### Idle, 30 s heartbeat, ${minutes} min after a ${warmupSeconds} s warm-up (online at the end: ${online}/2; load average ${load()})\n`);
  console.log('| | RSS start MiB | RSS end MiB | RSS max MiB | RssAnon end MiB | CPU % of one core | CPU ms |\n|---|---|---|---|---|---|---|');
  for (const kind of KINDS) {
    const w = window[kind];
    console.log(`| ${kind} | ${mib(series[kind][0].rss)} | ${w.rssEndMiB} | ${w.rssMaxMiB} | ${mib(series[kind].at(-1).anon)} | ${w.cpuPercent} | ${w.cpuMs} |`);
  }
  console.log(`| binary/source | | ${ratio(window.binary.rssEndMiB, window.source.rssEndMiB)} | | ${ratio(series.binary.at(-1).anon, series.source.at(-1).anon)} | ${ratio(window.binary.cpuMs, window.source.cpuMs)} | |`);
  results.idle = { minutes, window, online };
}

async function soak(minutes, warmupMinutes) {
  const { series, window, online } = await sideBySide({
    minutes, warmupMs: 0, everyMs: 10_000, env: { BOREALIS_HEARTBEAT_INTERVAL_SECONDS: '1' },
    label: 'soak (1 s heartbeat)', logPrefix: '/tmp/borealis-bench-soak',
  });
  console.log(`\n### Soak, 1 s heartbeat, ${minutes} min (slope after ${warmupMinutes} min warm-up; online at the end: ${online}/2; load average ${load()})\n`);
  console.log('| | RSS at warm-up end MiB | RSS end MiB | RSS slope MiB/h | RssAnon at warm-up end MiB | RssAnon end MiB | RssAnon slope MiB/h | CPU % of one core | heartbeats |\n|---|---|---|---|---|---|---|---|---|');
  const figures = {};
  for (const kind of KINDS) {
    const after = series[kind].filter((p) => p.t >= warmupMinutes * 60);
    const slope = slopeMiBPerHour(after);
    const anonSlope = slopeMiBPerHour(after, 'anon');
    figures[kind] = { slope, anonSlope, start: mib(after[0]?.rss ?? 0) };
    const w = window[kind];
    console.log(`| ${kind} | ${figures[kind].start} | ${w.rssEndMiB} | ${slope.toFixed(2)} | ${mib(after[0]?.anon ?? 0)} | ${mib(after.at(-1)?.anon ?? 0)} | ${anonSlope.toFixed(2)} | ${w.cpuPercent} | ~${Math.round(w.wallSeconds)} |`);
  }
  results.soak = { minutes, warmupMinutes, window, online, figures, series };
}

const startupRuns = Number(values['startup-runs']);
const idleMinutes = Number(values['idle-minutes']);
const soakMinutes = Number(values['soak-minutes']);
if (startupRuns > 0) await startup(startupRuns);
if (idleMinutes > 0) await idle(idleMinutes, Number(values['idle-warmup-seconds']));
if (soakMinutes > 0) await soak(soakMinutes, Number(values['soak-warmup-minutes']));
if (values['json-out']) writeFileSync(values['json-out'], JSON.stringify(results));
process.exit(0);
