// Turns phase results into the comparison table, the real/bare ratio and the goal verdicts.

const GOALS = {
  fleet30s: { agents: 19500, heartbeatMs: 30000, p99Ms: 50, rssBytes: 1024 ** 3 },
  emulated50k: { emulatedAgents: 50000, p99Ms: 100 },
  cpuRatio: 1.5,
  restartS: 30,
};

const fmt = (v, digits = 1) => (v === undefined || v === null || Number.isNaN(v) ? '-' : typeof v === 'number' ? v.toFixed(digits) : String(v));

/** Fleet size a run stands for: the same heartbeat rate at the 30 s reference interval. */
export function emulatedAgents(agents, heartbeatMs) {
  return Math.round((agents * 30000) / heartbeatMs);
}

export function comparisonTable(bare, real) {
  const cols = [bare, real].filter(Boolean);
  const header = ['', ...cols.map((c) => c.label), ...(bare && real ? ['real/bare'] : [])];
  const rows = [
    ['agents online / total', (c) => `${c.onlineAtEnd}/${c.agents}`],
    ['ramp to all online (s)', (c) => fmt(c.rampSeconds)],
    ['connects/s during ramp', (c) => fmt(c.rampConnectsPerSecond, 0)],
    ['server CPU ms per connect (ramp)', (c) => fmt(c.serverCpuMsPerConnect, 2), 'serverCpuMsPerConnect'],
    ['heartbeats acked /s', (c) => fmt(c.window.ackedPerSecond), 'window.ackedPerSecond'],
    ['ack p50 (ms)', (c) => fmt(c.window.latency.p50, 2), 'window.latency.p50'],
    ['ack p99 (ms)', (c) => fmt(c.window.latency.p99, 2), 'window.latency.p99'],
    ['ack max (ms)', (c) => fmt(c.window.latency.max, 1)],
    ['heartbeat timeouts / errors', (c) => `${c.window.heartbeatsTimedOut} / ${Object.values(c.window.errors).reduce((a, b) => a + b, 0)}`],
    ['server CPU (% of one core)', (c) => fmt(c.server.cpuPercent), 'server.cpuPercent'],
    ['server RSS max (MiB)', (c) => fmt(c.server.rssMaxMiB), 'server.rssMaxMiB'],
    ['server CPU ms / 1000 heartbeats', (c) => fmt(c.cpuMsPer1000Heartbeats, 1), 'cpuMsPer1000Heartbeats'],
    ['simulator CPU (% of one core)', (c) => fmt(c.simulator.cpuPercent)],
    ['simulator loop delay p99 (ms)', (c) => fmt(c.simulator.loopDelayP99Ms)],
  ];
  const get = (obj, path) => path.split('.').reduce((o, k) => (o === undefined ? undefined : o[k]), obj);
  const lines = rows.map(([name, cell, path]) => {
    const out = [name, ...cols.map(cell)];
    if (bare && real) {
      const a = path ? get(bare, path) : undefined;
      const b = path ? get(real, path) : undefined;
      out.push(a && b !== undefined ? `${(b / a).toFixed(2)}x` : '');
    }
    return out;
  });
  const widths = header.map((_, i) => Math.max(...[header, ...lines].map((r) => String(r[i]).length)));
  const line = (r) => `| ${r.map((v, i) => String(v).padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(line)].join('\n');
}

/** Every goal with PASS, FAIL or n/a (not measured by this configuration) and the evidence. */
export function evaluateGoals({ bare, real, restart, agents, heartbeatMs }) {
  const goals = [];
  const add = (name, verdict, detail) => goals.push({ name, verdict, detail });
  const g1 = GOALS.fleet30s;
  if (!real) add('19,500 agents at 30 s: p99 < 50 ms, RSS < 1 GiB', 'n/a', 'real server not run');
  else if (agents < g1.agents || heartbeatMs !== g1.heartbeatMs) add('19,500 agents at 30 s: p99 < 50 ms, RSS < 1 GiB', 'n/a', `run has ${agents} agents at ${heartbeatMs} ms`);
  else {
    const p99 = real.window.latency.p99;
    const rss = real.server.rssMaxMiB * 1024 * 1024;
    const ok = real.allOnline && p99 < g1.p99Ms && rss < g1.rssBytes;
    add('19,500 agents at 30 s: p99 < 50 ms, RSS < 1 GiB', ok ? 'PASS' : 'FAIL', `online ${real.onlineAtEnd}/${agents}, p99 ${fmt(p99, 2)} ms, RSS ${fmt(real.server.rssMaxMiB)} MiB`);
  }
  const emulated = emulatedAgents(agents, heartbeatMs);
  if (!real) add('50,000 emulated agents: p99 < 100 ms', 'n/a', 'real server not run');
  else if (emulated < GOALS.emulated50k.emulatedAgents - 1) add('50,000 emulated agents: p99 < 100 ms', 'n/a', `run emulates ${emulated} agents (use --heartbeat-ms 11700 with 19,500)`);
  else {
    const p99 = real.window.latency.p99;
    const ok = real.allOnline && p99 < GOALS.emulated50k.p99Ms;
    add('50,000 emulated agents: p99 < 100 ms', ok ? 'PASS' : 'FAIL', `emulates ${emulated}, p99 ${fmt(p99, 2)} ms, ${fmt(real.window.ackedPerSecond)} hb/s`);
  }
  if (!real || !bare || !real.cpuMsPer1000Heartbeats || !bare.cpuMsPer1000Heartbeats) add('server CPU per heartbeat <= 1.5x bare', 'n/a', 'needs both servers');
  else {
    const ratio = real.cpuMsPer1000Heartbeats / bare.cpuMsPer1000Heartbeats;
    add('server CPU per heartbeat <= 1.5x bare', ratio <= GOALS.cpuRatio ? 'PASS' : 'FAIL', `${ratio.toFixed(2)}x (${fmt(real.cpuMsPer1000Heartbeats)} vs ${fmt(bare.cpuMsPer1000Heartbeats)} CPU ms / 1000 hb)`);
  }
  if (!restart) add('all back online within 30 s after kill + restart', 'n/a', 'run with --restart');
  else {
    const worst = Math.max(restart.fleetAllOnlineAfterS ?? Infinity, restart.apiAllOnlineAfterS ?? Infinity);
    const back = (s, n) => (s === undefined ? `not all within ${restart.timeoutSeconds} s (${n} online)` : `${fmt(s)} s`);
    add('all back online within 30 s after kill + restart', worst <= GOALS.restartS ? 'PASS' : 'FAIL',
      `fleet ${back(restart.fleetAllOnlineAfterS, restart.fleetOnlineAtEnd)}, API ${back(restart.apiAllOnlineAfterS, restart.apiOnlineAtEnd)} after SIGKILL (server ready ${restart.bootS ?? restart.processStartS} s after its start, health answered ${fmt(restart.serverHealthyAfterS)} s after the kill${restart.simNice ? `, simulator at nice ${restart.simNice}` : ""})`);
  }
  return goals;
}

export function formatGoals(goals) {
  return goals.map((g) => `${g.verdict.padEnd(4)}  ${g.name}: ${g.detail}`).join('\n');
}
