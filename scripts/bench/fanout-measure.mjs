// One fan-out measured from outside: POST (time to the 201), then poll the server until every
// run is stored; the simulator adds when the last dispatch arrived and when the last result ack
// came back (the server acks after the commit, so that is the moment the last run was stored).
import { ProcSampler, rssBytes } from './proc-sampler.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const round = (x, digits = 1) => (x === undefined ? undefined : Math.round(x * 10 ** digits) / 10 ** digits);
const answered = (c) => c.runResultsAcked + c.runResultsDuplicateAcked;

/**
 * Runs one job on `target` for `selection` and measures it. `serverPid` adds the server's CPU
 * and RSS over the fan-out (sampled every 100 ms), `simPids` the simulator's CPU.
 */
export async function measureFanout({ fleet, target, selection, pollMs, timeoutMs, serverPid, simPids }) {
  const before = fleet.snapshot().counters;
  const rssBefore = serverPid ? rssBytes(serverPid) : undefined;
  const server = serverPid ? new ProcSampler(serverPid, 100).start() : undefined;
  const sim = simPids ? new ProcSampler(simPids, 1000).start() : undefined;
  const t0 = Date.now();
  const p0 = performance.now();
  const job = await target.create(selection);
  const postMs = performance.now() - p0;
  let progress = { stored: 0, terminal: 0 };
  let storedMs;
  while (performance.now() - p0 < timeoutMs) {
    progress = await target.progress(job.id);
    if (progress.terminal >= job.runs) {
      storedMs = performance.now() - p0;
      break;
    }
    await sleep(pollMs);
  }
  const serverUsage = server?.stop();
  const simUsage = sim?.stop();
  // The sims' counters reach the parent every report interval: wait for the last acks to show.
  await fleet.waitFor((s) => answered(s.counters) - answered(before) >= job.runs, storedMs === undefined ? 1 : 10_000);
  const after = fleet.snapshot().counters;
  const delta = (key) => after[key] - before[key];
  const allAcked = answered(after) - answered(before) >= job.runs;
  return {
    jobId: job.id,
    runs: job.runs,
    stored: progress.stored,
    counts: progress.counts,
    postMs: round(postMs),
    /** Poll saw every run terminal; undefined if not within `timeoutMs`. */
    storedMs: round(storedMs),
    lastDispatchMs: after.lastDispatchAt > before.lastDispatchAt ? after.lastDispatchAt - t0 : undefined,
    lastResultAckMs: allAcked ? after.lastResultAckAt - t0 : undefined,
    resultsPerSecond: storedMs ? Math.round((job.runs / storedMs) * 1000) : undefined,
    sim: {
      dispatches: delta('jobDispatches'),
      redispatches: delta('jobDispatchDuplicates'),
      resultsAcked: delta('runResultsAcked'),
      duplicateAcks: delta('runResultsDuplicateAcked'),
      resends: delta('runResultsResent'),
      timeouts: delta('runResultsTimedOut'),
      refused: delta('runResultsRefused'),
      ...(simUsage ? { cpuPercent: simUsage.cpuPercent } : {}),
    },
    ...(serverUsage ? { server: { ...serverUsage, rssBeforeMiB: round(rssBefore / 1024 / 1024) } } : {}),
  };
}

export function percentile(values, p) {
  const sorted = values.filter((v) => v !== undefined).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** `trials` small fan-outs after `warmup` unmeasured ones; median/p95/min/max of each timing. */
export async function smallTrials({ fleet, target, selection, trials, warmup, pollMs, log }) {
  const results = [];
  for (let i = 0; i < warmup + trials; i++) {
    const r = await measureFanout({ fleet, target, selection, pollMs, timeoutMs: 10_000 });
    if (i >= warmup) results.push(r);
    // Let the server's batch timers and the sims' reports go quiet between trials.
    await sleep(250);
  }
  const summary = (key) => {
    const values = results.map((r) => r[key]).filter((v) => v !== undefined);
    const min = values.length ? Math.min(...values) : undefined;
    const max = values.length ? Math.max(...values) : undefined;
    return { median: percentile(values, 50), p95: percentile(values, 95), min, max };
  };
  const incomplete = results.filter((r) => r.storedMs === undefined).length;
  log?.(`${target.label}: ${trials} x ${results[0]?.runs} runs, stored median ${summary('storedMs').median} ms, p95 ${summary('storedMs').p95} ms${incomplete ? `, ${incomplete} incomplete` : ''}`);
  return {
    runs: results[0]?.runs,
    trials,
    warmup,
    incomplete,
    postMs: summary('postMs'),
    storedMs: summary('storedMs'),
    lastDispatchMs: summary('lastDispatchMs'),
    lastResultAckMs: summary('lastResultAckMs'),
    all: results.map((r) => ({ postMs: r.postMs, storedMs: r.storedMs, lastDispatchMs: r.lastDispatchMs, lastResultAckMs: r.lastResultAckMs })),
  };
}
