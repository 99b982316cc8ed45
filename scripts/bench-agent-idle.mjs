#!/usr/bin/env node
// `npm run bench:agent-idle [-- --minutes 10]`: RSS and CPU of one real, idle agent process
// (30 s heartbeat, default roles) over a window, next to a bare socket.io-client process doing
// only hello + heartbeats against the same server in the same run (the baseline).
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { ProcSampler } from './bench/proc-sampler.mjs';

const require = createRequire(import.meta.url);
const { TestServer, waitFor } = require('../apps/server/dist/testing/server-process.js');
const { AgentProcess } = require('../apps/server/dist/testing/agent-process.js');
const { enrollRaw } = require('../apps/server/dist/testing/protocol-client.js');

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, warmup: { type: 'string', default: '30' } } });
const windowMs = Number(values.minutes) * 60_000;
const warmupMs = Number(values.warmup) * 1000;
const mb = (bytes) => (bytes / 1048576).toFixed(1);

const server = await TestServer.start();
const agent = new AgentProcess(server.url).start(await server.enrollmentToken());
const creds = await enrollRaw(server.url, await server.enrollmentToken(), 'bare-baseline');
const bare = spawn(process.execPath, ['scripts/bench/bare-client.mjs', server.url, creds.agentId, creds.secret], { stdio: 'inherit' });
try {
  await waitFor(async () => (await server.api('GET', '/api/devices?online=true')).body.total === 2, 20_000);
  console.log(`both online; warm-up ${warmupMs / 1000} s, then measuring ${windowMs / 60000} min (samples every 5 s)`);
  await new Promise((r) => setTimeout(r, warmupMs));
  const samplers = { agent: new ProcSampler(agent.process.pid, 5000), bare: new ProcSampler(bare.pid, 5000) };
  for (const s of Object.values(samplers)) s.start();
  await new Promise((r) => setTimeout(r, windowMs));
  const result = Object.fromEntries(Object.entries(samplers).map(([name, s]) => {
    const rssStartMiB = Number(mb(s.rss[0]));
    return [name, { rssStartMiB, ...s.stop() }];
  }));
  console.log(JSON.stringify(result));
  const row = (name, r) => `| ${name} | ${r.rssStartMiB} | ${r.rssEndMiB} | ${r.rssMaxMiB} | ${((r.cpuMs / (r.wallSeconds * 1000)) * 100).toFixed(3)} | ${r.cpuMs} |`;
  console.log(`\n| process | RSS start MiB | RSS end MiB | RSS max MiB | CPU % of one core | CPU ms in window |\n|---|---|---|---|---|---|`);
  console.log(row('borealis agent', result.agent));
  console.log(row('bare socket.io client', result.bare));
  console.log(`\nratio agent/bare: RSS ${(result.agent.rssEndMiB / result.bare.rssEndMiB).toFixed(2)}x, CPU ${(result.agent.cpuMs / Math.max(1, result.bare.cpuMs)).toFixed(2)}x`);
} finally {
  bare.kill('SIGTERM');
  await agent.dispose();
  await server.stop();
}
