#!/usr/bin/env node
// `npm run bench:screen-stream [-- --seconds 60 --fps 2 --format jpeg --quality 80 --width 1920 --height 1080]`
// CPU and RSS of a real agent (agent process + its desktop worker) while one /ui viewer watches
// its screen, next to (1) the same agent idle just before and (2) the baseline: a bare loop that
// grabs and encodes the same screen at the same rate in one plain Node process. The screen is an
// Xvfb with the test pattern and an xterm running `top` (content that changes every frame).
import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { ProcSampler } from './bench/proc-sampler.mjs';

const require = createRequire(import.meta.url);
const { TestServer, waitFor } = require('../apps/server/dist/testing/server-process.js');
const { AgentProcess } = require('../apps/server/dist/testing/agent-process.js');
const { startXvfb } = require('../libs/roles/dist/desktop_shared/testing/xvfb.js');
const { paintPattern } = require('../libs/roles/dist/desktop_shared/testing/desktop-fixtures.js');
const { io } = require('socket.io-client');

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' }, idle: { type: 'string', default: '20' }, fps: { type: 'string', default: '2' },
    format: { type: 'string', default: 'jpeg' }, quality: { type: 'string', default: '80' },
    width: { type: 'string', default: '1920' }, height: { type: 'string', default: '1080' },
  },
});
const seconds = Number(values.seconds);
const fps = Number(values.fps);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const children = (pid) => {
  try { return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number); } catch { return []; }
};

const xvfb = await startXvfb({ width: Number(values.width), height: Number(values.height) });
paintPattern(xvfb);
const top = spawn('xterm', ['-geometry', '120x40+40+40', '-e', 'top', '-d', '0.5'], { env: xvfb.env, stdio: 'ignore' });
const server = await TestServer.start();
const agent = new AgentProcess(server.url).start(await server.enrollmentToken(), { DISPLAY: xvfb.display });
let ui;
try {
  console.log(`screen ${values.width}x${values.height}, ${fps} fps ${values.format} q${values.quality}, ${seconds} s per phase`);

  // 1. Baseline: grab + encode in a bare loop.
  const bare = spawn(process.execPath, ['scripts/bench/bare-capture-loop.mjs', String(fps), values.format, values.quality], { env: xvfb.env, stdio: ['ignore', 'pipe', 'inherit'] });
  const bareFrames = [];
  let partial = '';
  bare.stdout.on('data', (chunk) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop();
    for (const line of lines) bareFrames.push(Number(line));
  });
  await sleep(3000); // library load and first frames
  const bareFrom = bareFrames.length;
  const bareSampler = new ProcSampler(bare.pid, 1000).start();
  await sleep(seconds * 1000);
  const bareFigures = bareSampler.stop();
  const bareWindow = bareFrames.slice(bareFrom);
  bare.kill('SIGTERM');
  await new Promise((r) => bare.once('exit', r));

  // 2. The agent idle (no viewer), then 3. streaming to one viewer.
  let deviceId;
  await waitFor(async () => {
    const list = (await server.api('GET', '/api/devices?online=true')).body;
    deviceId = list.items.find((d) => d.roles.some((r) => r.name === 'screenshot' && r.status === 'running'))?.id;
    return deviceId !== undefined;
  }, 30_000);
  await sleep(5000);
  const idleSampler = new ProcSampler([agent.process.pid, ...children(agent.process.pid)], 1000).start();
  await sleep(Number(values.idle) * 1000);
  const idle = idleSampler.stop();

  ui = io(`${server.url}/ui`, { auth: { token: server.adminToken }, transports: ['websocket'], reconnection: false });
  await new Promise((resolve, reject) => { ui.once('connect', resolve); ui.once('connect_error', reject); });
  const frames = [];
  ui.on('screen.frame', (frame, ack) => { frames.push({ bytes: frame.data.length, latencyMs: Date.now() - frame.capturedAt }); ack({ ok: true }); });
  const watch = await ui.timeout(30_000).emitWithAck('screen.watch', { deviceId, fps, format: values.format, quality: Number(values.quality) });
  if (!watch.ok) throw new Error(`watch refused: ${JSON.stringify(watch)}`);
  await waitFor(() => frames.length >= 3, 30_000);
  const pids = [agent.process.pid, ...children(agent.process.pid)];
  const streamSampler = new ProcSampler(pids, 1000).start();
  const from = frames.length;
  const startedAt = performance.now();
  await sleep(seconds * 1000);
  const streaming = streamSampler.stop();
  const got = frames.slice(from);
  const latencies = got.map((f) => f.latencyMs).sort((a, b) => a - b);
  await ui.timeout(10_000).emitWithAck('screen.unwatch', { deviceId });

  const rate = (n) => (n / seconds).toFixed(2);
  const meanKiB = (total, n) => (n ? total / n / 1024 : 0).toFixed(0);
  const result = {
    screen: `${values.width}x${values.height}`, fps, format: values.format, quality: Number(values.quality), seconds,
    bare: { ...bareFigures, framesPerSecond: Number(rate(bareWindow.length)), meanFrameKiB: Number(meanKiB(bareWindow.reduce((s, b) => s + b, 0), bareWindow.length)) },
    agentIdle: idle,
    agentStreaming: { ...streaming, processes: pids.length, framesPerSecond: Number(rate(got.length)), meanFrameKiB: Number(meanKiB(got.reduce((s, f) => s + f.bytes, 0), got.length)), captureToViewerMsP50: latencies[Math.floor(latencies.length / 2)] },
    windowSeconds: Math.round((performance.now() - startedAt) / 100) / 10,
  };
  console.log(JSON.stringify(result, null, 1));
  const extraCpu = streaming.cpuPercent - idle.cpuPercent;
  console.log(`\n| process | CPU % of one core | RSS max MiB | RSS end MiB | frames/s | mean frame KiB |\n|---|---|---|---|---|---|`);
  console.log(`| bare grab+encode loop (baseline) | ${bareFigures.cpuPercent} | ${bareFigures.rssMaxMiB} | ${bareFigures.rssEndMiB} | ${result.bare.framesPerSecond} | ${result.bare.meanFrameKiB} |`);
  console.log(`| agent idle (agent + worker) | ${idle.cpuPercent} | ${idle.rssMaxMiB} | ${idle.rssEndMiB} | - | - |`);
  console.log(`| agent streaming (agent + worker) | ${streaming.cpuPercent} | ${streaming.rssMaxMiB} | ${streaming.rssEndMiB} | ${result.agentStreaming.framesPerSecond} | ${result.agentStreaming.meanFrameKiB} |`);
  console.log(`\nstreaming cost over idle: ${extraCpu.toFixed(1)} % of a core; ratio to the bare loop: ${(extraCpu / bareFigures.cpuPercent).toFixed(2)}x CPU`);
} finally {
  ui?.close();
  top.kill('SIGKILL');
  await agent.dispose();
  await server.stop();
  await xvfb.stop();
}
