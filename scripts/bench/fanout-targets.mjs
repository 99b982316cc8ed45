// The two servers of the fan-out benchmark behind one interface: `create(selection)` starts one
// job and resolves with its id and run count once the server answered; `progress(id)` reads
// how many runs are stored. Real: `POST /api/jobs` and `GET /api/jobs/:id` counts. Bare: the
// echo server's `POST /fanout` and `GET /fanout/:id` (dispatch and count, nothing stored).

export const PAYLOAD = { script: 'echo hi' };
const TERMINAL = ['succeeded', 'failed', 'timed_out', 'cancelled', 'expired'];

async function json(res, what) {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what} -> ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** `selection`: `{ all: true }`, `{ deviceIds }`; the bare server takes the first `count` sockets. */
export function realTarget(url, adminToken) {
  const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  return {
    label: 'real',
    async create(selection) {
      const target = selection.all ? { all: true } : { deviceIds: selection.deviceIds };
      // A short expiry: runs for devices that are not connected must not linger into later runs.
      const body = { role: 'script_exec_system', target, payload: PAYLOAD, expiresInSeconds: 600 };
      const created = await json(await fetch(`${url}/api/jobs`, { method: 'POST', headers, body: JSON.stringify(body) }), 'POST /api/jobs');
      return { id: created.id, runs: created.runs.length };
    },
    async progress(id) {
      // limit=1: the counts are what we poll; the runs page would only add work to every poll.
      const job = await json(await fetch(`${url}/api/jobs/${id}?limit=1`, { headers }), 'GET /api/jobs/:id');
      const counts = job.counts ?? {};
      return {
        stored: counts.succeeded ?? 0,
        terminal: TERMINAL.reduce((n, status) => n + (counts[status] ?? 0), 0),
        counts,
      };
    },
    /** Devices known to the server: `target: all` is exact only when it equals the fleet. */
    async deviceCount() {
      const page = await json(await fetch(`${url}/api/devices?limit=1`, { headers }), 'GET /api/devices');
      return page.total;
    },
  };
}

export function bareTarget(url) {
  return {
    label: 'bare',
    async create(selection) {
      const body = { count: selection.count, payload: PAYLOAD };
      const created = await json(await fetch(`${url}/fanout`, { method: 'POST', body: JSON.stringify(body) }), 'POST /fanout');
      return { id: created.id, runs: created.total };
    },
    async progress(id) {
      const job = await json(await fetch(`${url}/fanout/${id}`), 'GET /fanout/:id');
      return { stored: job.results, terminal: job.results, counts: { results: job.results, duplicates: job.duplicates } };
    },
  };
}
