#!/usr/bin/env node
// `npm run bench:inventory [-- --trials 5]`: how long `GET /api/devices/:id/inventory?kind=K&refresh=true`
// takes against a real agent on this machine, per kind, and what the agent process spends (CPU, RSS)
// while collecting. Baseline in the same run: the raw command each kind boils down to, timed alone.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { ProcSampler } from './bench/proc-sampler.mjs';

const require = createRequire(import.meta.url);
const { TestServer, waitFor } = require('../apps/server/dist/testing/server-process.js');
const { AgentProcess } = require('../apps/server/dist/testing/agent-process.js');

const { values } = parseArgs({ options: { trials: { type: 'string', default: '5' } } });
const trials = Number(values.trials);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (n) => Math.round(n * 10) / 10;

/** The bare work per kind: what an operator would type on the machine. */
const BASELINES = {
  summary: ['sh', ['-c', 'uname -a; cat /proc/cpuinfo /proc/meminfo; df -P; ip -o addr; who; uptime']],
  processes: ['ps', ['-axo', 'pid=,pcpu=,rss=,user:64=,comm=']],
  software: ['dpkg-query', ['-W', '-f=${Package}\\t${Version}\\t${Architecture}\\t${db:Status-Abbrev}\\n']],
  updates: ['apt-get', ['-s', '-o', 'Debug::NoLocking=true', 'dist-upgrade']],
};

function baselineMs(kind) {
  const [file, args] = BASELINES[kind];
  const times = [];
  for (let i = 0; i < trials; i++) {
    const started = performance.now();
    const result = spawnSync(file, args, { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
    times.push(performance.now() - started);
    if (result.error) return undefined;
  }
  return median(times);
}

const server = await TestServer.start();
const agent = new AgentProcess(server.url).start(await server.enrollmentToken());
const rows = [];
try {
  let deviceId = '';
  await waitFor(async () => {
    deviceId = (await server.api('GET', '/api/devices?online=true')).body.items[0]?.id ?? '';
    return Boolean(deviceId) && (await server.api('GET', `/api/devices/${deviceId}/inventory?kind=summary`)).status === 200;
  }, 30_000, () => agent.output.slice(-2000));
  await new Promise((r) => setTimeout(r, 3000)); // let the agent settle after start
  const idle = new ProcSampler(agent.process.pid, 100).start();
  await new Promise((r) => setTimeout(r, 1000));
  const idleRss = idle.stop().rssEndMiB;
  for (const kind of ['summary', 'processes', 'software', 'updates']) {
    const times = [];
    const cpu = [];
    let rssMax = 0;
    let items = null;
    let bytes = 0;
    let status = 0;
    for (let i = 0; i < trials; i++) {
      const sampler = new ProcSampler(agent.process.pid, 20).start();
      const started = performance.now();
      const response = await server.api('GET', `/api/devices/${deviceId}/inventory?kind=${kind}&refresh=true`);
      times.push(performance.now() - started);
      const sample = sampler.stop();
      cpu.push(sample.cpuMs);
      rssMax = Math.max(rssMax, sample.rssMaxMiB);
      status = response.status;
      items = response.body.itemCount ?? null;
      bytes = JSON.stringify(response.body.data ?? response.body).length;
    }
    const base = baselineMs(kind);
    rows.push({
      kind, status, items, kib: round(bytes / 1024), firstMs: round(times[0]), medianMs: round(median(times)),
      agentCpuMs: median(cpu), agentRssMaxMiB: rssMax, baselineMs: base === undefined ? null : round(base),
      ratio: base ? round(median(times) / base) : null,
    });
    console.log(JSON.stringify(rows.at(-1)));
  }
  console.log(`\nagent idle RSS before collecting: ${idleRss} MiB; ${trials} trials per kind\n`);
  console.log('| kind | items | payload KiB | refresh first ms | refresh median ms | agent CPU ms (median) | agent RSS max MiB | baseline command ms | ratio |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.kind} | ${r.items ?? '-'} | ${r.kib} | ${r.firstMs} | ${r.medianMs} | ${r.agentCpuMs} | ${r.agentRssMaxMiB} | ${r.baselineMs ?? 'n/a'} | ${r.ratio ?? 'n/a'}x |`);
  }
} finally {
  await agent.dispose();
  await server.stop();
}
