// Restart scenario: SIGKILL the real server under a connected fleet, start it again on the
// same data dir and port, and time until every agent is back, as the fleet sees it (hello
// acknowledged) and as the API reports it (`GET /api/devices` online count).
import { log } from './phase.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Online devices according to the API: the `total` of `GET /api/devices?online=true`. */
export async function apiOnlineCount(url, adminToken) {
  const res = await fetch(`${url}/api/devices?online=true&limit=1`, {
    headers: { authorization: `Bearer ${adminToken}` },
    signal: AbortSignal.timeout(10000),
  });
  if (!res.ok) throw new Error(`GET /api/devices -> ${res.status}`);
  const body = await res.json();
  if (typeof body.total !== 'number') throw new Error('GET /api/devices: no total in the answer');
  return body.total;
}

/** `adminToken` undefined (bare server): no API to ask, the fleet's own count is the answer. */
export async function runRestart({ fleet, server, startServer, adminToken, agents, timeoutSeconds, label = 'real' }) {
  const before = fleet.snapshot().counters;
  const killedAt = performance.now();
  await server.kill9();
  log(`${label}: SIGKILL sent, restarting on the same data dir`);
  const restarted = await startServer();
  const readyS = (performance.now() - killedAt) / 1000;
  log(`${label}: healthy again ${readyS.toFixed(1)} s after the kill (process start ${restarted.startSeconds} s)`);
  // The fleet must have noticed the drop before "all online" means "all back".
  await fleet.waitFor((s) => s.counters.disconnects - before.disconnects >= agents, 10000);
  const deadline = killedAt + timeoutSeconds * 1000;
  let fleetBackS;
  let apiBackS;
  let apiOnline = 0;
  let lastLog = 0;
  const timeline = [];
  while (performance.now() < deadline && (fleetBackS === undefined || apiBackS === undefined)) {
    const s = fleet.snapshot();
    const t = (performance.now() - killedAt) / 1000;
    if (fleetBackS === undefined && s.counters.online >= agents) fleetBackS = t;
    if (apiBackS === undefined && adminToken === undefined) {
      apiOnline = s.counters.online;
      apiBackS = fleetBackS;
    } else if (apiBackS === undefined) {
      try {
        apiOnline = await apiOnlineCount(restarted.url, adminToken);
        if (apiOnline >= agents) apiBackS = (performance.now() - killedAt) / 1000;
      } catch (err) {
        if (t - lastLog > 5) log(`${label}: devices API not answering yet (${err.message})`);
      }
    }
    if (t - lastLog >= 5) {
      lastLog = t;
      timeline.push({ s: Math.round(t), fleetOnline: s.counters.online, apiOnline });
      log(`${label}: ${t.toFixed(0)} s after kill: fleet online ${s.counters.online}/${agents}, API online ${apiOnline}`);
    }
    await sleep(250);
  }
  const after = fleet.snapshot().counters;
  const round = (x) => (x === undefined ? undefined : Math.round(x * 10) / 10);
  return {
    server: restarted,
    result: {
      serverHealthyAfterS: round(readyS),
      processStartS: restarted.startSeconds,
      fleetAllOnlineAfterS: round(fleetBackS),
      apiAllOnlineAfterS: round(apiBackS),
      fleetOnlineAtEnd: after.online,
      apiOnlineAtEnd: apiOnline,
      reconnects: after.reconnects - before.reconnects,
      connectErrors: after.connectErrors - before.connectErrors,
      timeoutSeconds,
      /** Fleet and API online counts about every 5 s after the kill. */
      timeline,
    },
  };
}
