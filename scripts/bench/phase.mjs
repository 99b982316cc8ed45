// One measured phase: ramp a simulated fleet up against a running server, let it settle,
// then measure a fixed window (fleet figures from the workers, server CPU/RSS from /proc).
import { ProcSampler } from './proc-sampler.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function log(line) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

/** Progress line every `everyMs` until the returned function is called. */
function progress(fleet, label, formatLine, everyMs = 5000) {
  const timer = setInterval(() => {
    const { snapshot, interval } = fleet.takeInterval();
    log(`${label}: ${formatLine(snapshot, interval)}`);
  }, everyMs);
  return () => clearInterval(timer);
}

/**
 * Runs the fleet against `server` and returns the window's figures. The fleet is left running
 * (the caller stops it, or uses it for the restart scenario).
 */
export async function runPhase({ sim, server, credentials, options }) {
  const { Fleet, formatLine } = sim;
  const n = credentials.length;
  const fleet = new Fleet({
    serverUrl: server.url,
    credentials,
    processes: options.processes,
    rampPerSecond: options.rampRate,
    reportMs: 500,
  });
  const stopProgress = progress(fleet, server.label, formatLine);
  try {
    const rampSampler = new ProcSampler(server.pid).start();
    await fleet.start();
    const rampStart = performance.now();
    // Generous: twice the nominal ramp plus a minute for a slow server; bounded all the same.
    const rampBudgetMs = (n / options.rampRate) * 2000 + 60000;
    const allOnline = await fleet.waitFor((s) => s.counters.online >= n, rampBudgetMs);
    const rampSeconds = Math.round(performance.now() - rampStart) / 1000;
    // Connect cost (handshake auth, hello, role.state) is what bounds a reconnect storm.
    const rampUsage = rampSampler.stop();
    const connects = fleet.snapshot().counters.connects;
    log(`${server.label}: ${allOnline ? 'all' : 'NOT all'} ${n} agents online after ${rampSeconds} s (${fleet.snapshot().counters.online} online)`);
    await sleep(options.settleSeconds * 1000);
    const serverSampler = new ProcSampler(server.pid).start();
    const simSampler = new ProcSampler(fleet.workerPids).start();
    fleet.markWindow();
    log(`${server.label}: measuring ${options.windowSeconds} s`);
    await sleep(options.windowSeconds * 1000);
    const window = fleet.windowStats();
    const serverUsage = serverSampler.stop();
    const simUsage = simSampler.stop();
    const snapshot = fleet.snapshot();
    const cpuMsPer1000 = window.heartbeatsAcked > 0 ? (serverUsage.cpuMs / window.heartbeatsAcked) * 1000 : undefined;
    return {
      fleet,
      result: {
        label: server.label,
        agents: n,
        allOnline,
        rampSeconds,
        rampConnectsPerSecond: Math.round(connects / rampSeconds),
        rampServerCpuPercent: rampUsage.cpuPercent,
        serverCpuMsPerConnect: connects > 0 ? Math.round((rampUsage.cpuMs / connects) * 100) / 100 : undefined,
        onlineAtEnd: snapshot.counters.online,
        heartbeatMs: snapshot.counters.serverHeartbeatMs,
        window,
        server: serverUsage,
        cpuMsPer1000Heartbeats: cpuMsPer1000 === undefined ? undefined : Math.round(cpuMsPer1000 * 10) / 10,
        simulator: { processes: snapshot.workers, ...simUsage, loopDelayP99Ms: snapshot.simLoopDelayP99Ms },
      },
    };
  } catch (err) {
    fleet.kill();
    throw err;
  } finally {
    stopProgress();
  }
}
