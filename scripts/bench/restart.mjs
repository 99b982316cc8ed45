// Restart scenario: SIGKILL the real server under a connected fleet, start it again on the
// same data dir and port, and time until every agent is back, as the fleet sees it (hello
// acknowledged) and as the API reports it (`GET /api/devices` online count).
import { setPriority } from 'node:os';
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
export async function runRestart({ fleet, server, startServer, adminToken, agents, timeoutSeconds, label = 'real', simNice = 0 }) {
  const before = fleet.snapshot().counters;
  reniceFleet(fleet, simNice);
  const killedAt = performance.now();
  const since = () => (performance.now() - killedAt) / 1000;
  await server.kill9();
  log(`${label}: SIGKILL sent, restarting on the same data dir`);
  // The fleet is watched from the kill on, not from the first health answer: with the port held
  // during the boot, that answer waits its turn behind thousands of agents.
  let fleetBackS;
  let apiOnline = 0;
  const timeline = [];
  let sawDrop = false;
  const watch = setInterval(() => {
    const s = fleet.snapshot();
    const t = since();
    sawDrop ||= s.counters.disconnects - before.disconnects >= agents;
    if (sawDrop && fleetBackS === undefined && s.counters.online >= agents) fleetBackS = t;
    if (t - (timeline.at(-1)?.s ?? 0) >= 5) {
      timeline.push({ s: Math.round(t), fleetOnline: s.counters.online, apiOnline });
      log(`${label}: ${t.toFixed(0)} s after kill: fleet online ${s.counters.online}/${agents}, API online ${apiOnline}`);
    }
  }, 100);
  const restarted = await startServer();
  const readyS = since();
  const boot = restarted.bootSeconds === undefined ? '' : `, ready ${restarted.bootSeconds} s after its start by its own log`;
  log(`${label}: health answered ${readyS.toFixed(1)} s after the kill (process start ${restarted.startSeconds} s${boot})`);
  const deadline = killedAt + timeoutSeconds * 1000;
  let apiBackS;
  let lastError = 0;
  while (performance.now() < deadline && (fleetBackS === undefined || apiBackS === undefined)) {
    if (apiBackS === undefined && adminToken === undefined) {
      apiOnline = fleet.snapshot().counters.online;
      apiBackS = fleetBackS;
    } else if (apiBackS === undefined) {
      try {
        apiOnline = await apiOnlineCount(restarted.url, adminToken);
        if (apiOnline >= agents) apiBackS = since();
      } catch (err) {
        if (since() - lastError > 5) log(`${label}: devices API not answering yet (${err.message})`);
        lastError = since();
      }
    }
    await sleep(250);
  }
  clearInterval(watch);
  reniceFleet(fleet, 0);
  const after = fleet.snapshot().counters;
  const round = (x) => (x === undefined ? undefined : Math.round(x * 10) / 10);
  return {
    server: restarted,
    result: {
      serverHealthyAfterS: round(readyS),
      processStartS: restarted.startSeconds,
      bootS: restarted.bootSeconds,
      simNice,
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

/**
 * `--restart-sim-nice N`: the simulator's processes at a lower CPU priority while the fleet
 * reconnects. In production those 19,500 reconnect loops run on 19,500 other machines; here
 * they share two cores with the server's boot. 0 (default) leaves them as they are.
 */
function reniceFleet(fleet, nice) {
  for (const pid of fleet.workerPids) {
    try {
      setPriority(pid, nice);
    } catch (err) {
      log(`cannot set nice ${nice} on simulator pid ${pid}: ${err.message}`);
    }
  }
}
