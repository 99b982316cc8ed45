#!/usr/bin/env node
// `npm start`: the server on PORT (default 5000) with embedded SQLite, plus one local agent
// enrolled automatically, for a first look in one command. Ctrl+C stops both.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const port = Number(process.env.PORT ?? 5000);
const dataDir = resolve(process.env.BOREALIS_DATA_DIR ?? './data');
const logDir = resolve(process.env.BOREALIS_LOG_DIR ?? './Logs');
const base = `http://127.0.0.1:${port}`;
const agentHome = join(dataDir, 'local-agent');
const children = [];

function run(name, args, env) {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`[start] ${name} exited (${signal ?? code}); see ${logDir}`);
    if (name === 'server') shutdown(1);
  });
  return child;
}

let stopping = false;
function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of [...children].reverse()) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 6000).unref();
  Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', r))))).then(() => process.exit(code));
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

async function waitFor(check, timeoutMs, what) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    try { if (await check()) return; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function api(token, method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

async function main() {
  run('server', ['apps/server/dist/main.js'], { PORT: String(port), BOREALIS_DATA_DIR: dataDir, BOREALIS_LOG_DIR: logDir, BOREALIS_LOG_STDOUT: 'false' });
  await waitFor(async () => (await fetch(`${base}/api/health`)).ok, 30_000, 'the server');
  const tokenFile = join(dataDir, 'admin-token');
  const adminToken = process.env.BOREALIS_ADMIN_TOKEN ?? (existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined);
  const agentArgs = ['apps/agent/dist/cli.js', 'run', '--server', base, '--home', agentHome];
  if (!existsSync(join(agentHome, 'credentials.json'))) {
    if (!adminToken) throw new Error(`no admin token: set BOREALIS_ADMIN_TOKEN or restore ${tokenFile}`);
    const { token } = await api(adminToken, 'POST', '/api/enrollment-tokens', { label: 'npm start local agent', maxUses: 1, expiresInSeconds: 600 });
    agentArgs.push('--enrollment-token', token);
  }
  run('agent', agentArgs, {});
  let device;
  if (adminToken) {
    await waitFor(async () => {
      const list = await api(adminToken, 'GET', '/api/devices?online=true');
      device = list.items[0];
      return Boolean(device);
    }, 30_000, 'the local agent to come online');
  }
  console.log(`
  Borealis is running
    API             ${base}/api        (every route needs: Authorization: Bearer <admin token>)
    Swagger UI      ${base}/api/docs
    OpenAPI JSON    ${base}/api/docs-json
    Health          ${base}/api/health
    Admin token     ${process.env.BOREALIS_ADMIN_TOKEN ? 'the value of BOREALIS_ADMIN_TOKEN' : `in ${tokenFile} (mode 0600)`}
    Local agent     ${device ? `${device.hostname} (${device.id}) online` : 'started'}, home ${agentHome}
    Database        ${process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : join(dataDir, 'database.db')}
    Logs            ${join(logDir, 'Server')}  and  ${join(agentHome, 'Logs', 'Agent')}

    Try: curl -H "Authorization: Bearer $(cat ${tokenFile})" ${base}/api/devices
    Ctrl+C stops the server and the agent.
`);
}

main().catch((error) => {
  console.error(`[start] ${error.message}`);
  shutdown(1);
});
