import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, type Engine, type TestDatabase } from './databases';

export const SERVER_MAIN = resolve(__dirname, '..', 'main.js');

export interface ServerOptions {
  engine?: Engine;
  env?: Record<string, string>;
  /** Reuse a data folder / database / port (restart scenarios). */
  reuse?: TestServer;
}

/** A real server process on 127.0.0.1 with its own data folder, logs and database. */
export class TestServer {
  process!: ChildProcess;
  output = '';

  private constructor(
    readonly port: number,
    readonly dir: string,
    readonly adminToken: string,
    readonly database: TestDatabase,
    readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  get logDir(): string {
    return join(this.dir, 'Logs');
  }

  static async start(options: ServerOptions = {}): Promise<TestServer> {
    const reuse = options.reuse;
    const server = reuse
      ? new TestServer(reuse.port, reuse.dir, reuse.adminToken, reuse.database, { ...reuse.env, ...options.env })
      : new TestServer(
        await freePort(), mkdtempSync(join(tmpdir(), 'borealis-srv-')), `brl_test_${randomBytes(16).toString('hex')}`,
        await createTestDatabase(options.engine ?? 'sqlite'), options.env ?? {},
      );
    await server.spawn();
    return server;
  }

  private async spawn(): Promise<void> {
    this.output = '';
    this.process = spawn(process.execPath, [SERVER_MAIN], {
      env: {
        ...process.env,
        PORT: String(this.port),
        HOST: '127.0.0.1',
        BOREALIS_DATA_DIR: this.dataDir,
        BOREALIS_LOG_DIR: this.logDir,
        BOREALIS_ADMIN_TOKEN: this.adminToken,
        BOREALIS_LOG_STDOUT: 'true',
        ...(this.database.url ? { DATABASE_URL: this.database.url } : { DATABASE_URL: '' }),
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process.stdout!.on('data', (chunk: Buffer) => { this.output += chunk.toString(); });
    this.process.stderr!.on('data', (chunk: Buffer) => { this.output += chunk.toString(); });
    // Generous: a loaded 2-core machine running several suites at once has taken > 20 s to boot a server.
    try {
      await waitFor(async () => (await fetch(`${this.url}/api/health`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined))?.ok === true, 60_000, () =>
        `server did not become healthy:\n${this.output.slice(-3000)}`);
    } catch (error) {
      // A server left running would keep the test process (and CI) alive forever.
      await this.kill('SIGKILL');
      throw error;
    }
  }

  /** Authenticated JSON request; returns status and parsed body. */
  async api<T = any>(method: string, path: string, body?: unknown, token: string | null = this.adminToken): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try { parsed = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
    return { status: response.status, body: parsed as T };
  }

  async enrollmentToken(options: Record<string, unknown> = {}): Promise<string> {
    const response = await this.api('POST', '/api/enrollment-tokens', options);
    if (response.status !== 201) throw new Error(`enrollment token: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body.token as string;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.kill(signal);
    await exited;
  }

  async restart(): Promise<void> {
    await this.kill('SIGKILL');
    await this.spawn();
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM');
    await this.database.drop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Polls `check` until it returns true; throws with `describe()` after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, describe: () => string = () => 'condition not met', everyMs = 100): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
