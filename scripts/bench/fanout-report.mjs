// Report of the fan-out benchmark: one table bare vs real with the ratio, and the goal verdicts.

export const GOALS = {
  big: { runs: 10000, storedMs: 30000 },
  small: { runs: 100, storedMs: 150 },
};

const fmt = (v, digits = 1) => (v === undefined || v === null || Number.isNaN(v) ? '-' : typeof v === 'number' ? v.toFixed(digits) : String(v));
const get = (obj, path) => path.split('.').reduce((o, k) => (o === undefined || o === null ? undefined : o[k]), obj);

const ROWS = [
  ['small: runs per job (trials)', (p) => (p.small ? `${p.small.runs} (${p.small.trials})` : '-')],
  ['small: POST -> 201, median (ms)', 'small.postMs.median'],
  ['small: last dispatch at sim, median (ms)', 'small.lastDispatchMs.median'],
  ['small: all stored (API poll), median (ms)', 'small.storedMs.median', true],
  ['small: all stored (API poll), p95 (ms)', 'small.storedMs.p95', true],
  ['small: last result ack at sim, median (ms)', 'small.lastResultAckMs.median', true],
  ['small: last result ack at sim, p95 (ms)', 'small.lastResultAckMs.p95'],
  ['big: runs', (p) => fmt(p.big?.runs, 0)],
  ['big: POST -> 201 (ms)', 'big.postMs', true],
  ['big: last dispatch at sim (ms)', 'big.lastDispatchMs', true],
  ['big: all stored (API poll) (ms)', 'big.storedMs', true],
  ['big: last result ack at sim (ms)', 'big.lastResultAckMs', true],
  ['big: results stored /s', 'big.resultsPerSecond', true, 0],
  ['big: server CPU (% of one core)', 'big.server.cpuPercent', true],
  ['big: server CPU (ms)', 'big.server.cpuMs', true, 0],
  ['big: server RSS before -> max (MiB)', (p) => (p.big?.server ? `${fmt(p.big.server.rssBeforeMiB, 0)} -> ${fmt(p.big.server.rssMaxMiB, 0)}` : '-')],
  ['big: simulator CPU (% of one core)', 'big.sim.cpuPercent'],
  ['big: resends / duplicate acks / timeouts', (p) => (p.big ? `${p.big.sim.resends} / ${p.big.sim.duplicateAcks} / ${p.big.sim.timeouts}` : '-')],
];

export function comparisonTable(bare, real) {
  const cols = [bare, real].filter(Boolean);
  const header = ['', ...cols.map((c) => c.label), ...(bare && real ? ['real/bare'] : [])];
  const lines = ROWS.map(([name, cell, ratio, digits = 1]) => {
    const value = (p) => (typeof cell === 'function' ? cell(p) : fmt(get(p, cell), digits));
    const out = [name, ...cols.map(value)];
    if (bare && real) {
      const a = ratio ? get(bare, cell) : undefined;
      const b = ratio ? get(real, cell) : undefined;
      out.push(a && b !== undefined ? `${(b / a).toFixed(2)}x` : '');
    }
    return out;
  });
  const widths = header.map((_, i) => Math.max(...[header, ...lines].map((r) => String(r[i]).length)));
  const line = (r) => `| ${r.map((v, i) => String(v).padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(line)].join('\n');
}

/** PASS, FAIL, or n/a when this configuration does not measure the goal. */
export function evaluateGoals(real) {
  const goals = [];
  const add = (name, verdict, detail) => goals.push({ name, verdict, detail });
  const bigName = '10,000 results stored within 30 s';
  const big = real?.big;
  if (!big) add(bigName, 'n/a', 'real server not run');
  else if (big.runs < GOALS.big.runs) add(bigName, 'n/a', `run has ${big.runs} agents`);
  else {
    const ok = big.storedMs !== undefined && big.storedMs <= GOALS.big.storedMs;
    add(bigName, ok ? 'PASS' : 'FAIL', big.storedMs === undefined ? `not all stored (${big.stored}/${big.runs})` : `${fmt(big.storedMs / 1000, 2)} s for ${big.runs} (${big.resultsPerSecond}/s), last ack ${fmt(big.lastResultAckMs / 1000, 2)} s`);
  }
  const smallName = '100 results stored within 150 ms (median of the trials)';
  const small = real?.small;
  if (!small) add(smallName, 'n/a', 'real server not run or --small-trials 0');
  else if (small.runs !== GOALS.small.runs) add(smallName, 'n/a', `small case has ${small.runs} runs`);
  else {
    const ok = small.incomplete === 0 && small.storedMs.median <= GOALS.small.storedMs;
    add(smallName, ok ? 'PASS' : 'FAIL', `median ${fmt(small.storedMs.median)} ms, p95 ${fmt(small.storedMs.p95)} ms over ${small.trials} trials (last ack median ${fmt(small.lastResultAckMs.median)} ms)`);
  }
  return goals;
}

export function formatGoals(goals) {
  return goals.map((g) => `${g.verdict.padEnd(4)}  ${g.name}: ${g.detail}`).join('\n');
}
