// Starts the two servers under test as child processes, each alone in its process so its CPU
// and RSS can be read from /proc: the bare Socket.IO echo server and the real Borealis server.
import { spawn } from 'node:child_process';
import { openSync, closeSync, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const children = new Set();

/** Kills every server still running: called from exit and signal handlers. */
export function killAllServers() {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

export function assertPortFree(port) {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', () => reject(new Error(`port ${port} on 127.0.0.1 is in use: pass another --port`)));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

function track(child, label, logFile) {
  children.add(child);
  const proc = {
    label,
    child,
    pid: child.pid,
    logFile,
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
    /** SIGTERM, then SIGKILL after `graceMs`. */
    async stop(graceMs = 8000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await proc.exited;
      clearTimeout(timer);
    },
    async kill9() {
      child.kill('SIGKILL');
      await proc.exited;
    },
  };
  proc.exited.then(() => children.delete(child));
  return proc;
}

export async function startBareServer({ root, port, heartbeatMs, pingIntervalMs, pingTimeoutMs, logDir, nodeArgs = [] }) {
  const entry = join(root, 'apps/agent/dist/sim/echo-server-main.js');
  const logFile = join(logDir, 'bare-server.log');
  const fd = openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    [...nodeArgs, entry, '--port', String(port), '--host', '127.0.0.1', '--heartbeat-ms', String(heartbeatMs),
      '--ping-interval-ms', String(pingIntervalMs), '--ping-timeout-ms', String(pingTimeoutMs)],
    { stdio: ['ignore', fd, fd] },
  );
  closeSync(fd);
  const proc = track(child, 'bare', logFile);
  const started = performance.now();
  await waitHttp(`http://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`, proc, 15000, () => true);
  return { ...proc, url: `http://127.0.0.1:${port}`, startSeconds: Math.round(performance.now() - started) / 1000 };
}

export function realServerEntry(root) {
  return join(root, 'apps/server/dist/main.js');
}

export async function startRealServer({ root, port, dataDir, logDir, adminToken, heartbeatMs, pingIntervalMs, pingTimeoutMs, nodeArgs = [], startTimeoutMs = 90000 }) {
  const entry = realServerEntry(root);
  if (!existsSync(entry)) throw new Error(`${entry} not found: build the server first (npm run build)`);
  const logFile = join(logDir, 'real-server.stdout.log');
  const fd = openSync(logFile, 'a');
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    BOREALIS_DATA_DIR: dataDir,
    BOREALIS_LOG_DIR: logDir,
    BOREALIS_ADMIN_TOKEN: adminToken,
    BOREALIS_HEARTBEAT_INTERVAL_SECONDS: String(heartbeatMs / 1000),
    BOREALIS_SOCKET_PING_INTERVAL_SECONDS: String(pingIntervalMs / 1000),
    BOREALIS_SOCKET_PING_TIMEOUT_SECONDS: String(pingTimeoutMs / 1000),
  };
  delete env.DATABASE_URL; // the benchmark measures the embedded SQLite setup
  if (env.NODE_ENV === 'test') delete env.NODE_ENV;
  const logOffset = statSync(logFile).size;
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, entry], { stdio: ['ignore', fd, fd], env, cwd: root });
  closeSync(fd);
  const proc = track(child, 'real', logFile);
  const url = `http://127.0.0.1:${port}`;
  await waitHttp(`${url}/api/health`, proc, startTimeoutMs, (res) => res.ok);
  // The port is open (and holds connections) long before the application is ready, and under a
  // reconnecting fleet the health request waits its turn behind the agents: the boot time is
  // what the server itself logs once ready.
  return { ...proc, url, startSeconds: Math.round(performance.now() - started) / 1000, bootSeconds: await loggedBoot(logFile, logOffset) };
}

/**
 * `bootMs` of the "Borealis server listening" line written after `offset`, in seconds. Waits
 * a little: held requests can be answered before that line is flushed.
 */
async function loggedBoot(logFile, offset) {
  for (let i = 0; i < 50; i++) {
    // `offset` is a byte count (statSync): cut the bytes, then decode.
    const m = [...readFileSync(logFile).subarray(offset).toString('utf8').matchAll(/"bootMs":(\d+)/g)].pop();
    if (m) return Number(m[1]) / 1000;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

/** Polls `url` until `accept(response)`; fails early if the process exits. */
async function waitHttp(url, proc, timeoutMs, accept) {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  proc.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${proc.label} server exited during start; see ${proc.logFile}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (accept(res)) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${proc.label} server not ready after ${timeoutMs} ms; see ${proc.logFile}`);
}
