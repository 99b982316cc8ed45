import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The real agent CLI, as `npm run agent` runs it. */
export const AGENT_CLI = resolve(__dirname, '..', '..', '..', 'agent', 'dist', 'cli.js');

/** A real agent process with its own home folder. */
export class AgentProcess {
  process!: ChildProcess;
  output = '';
  readonly home: string;
  private uidGid: [number, number] | undefined;

  constructor(private readonly serverUrl: string, home?: string) {
    this.home = home ?? mkdtempSync(join(tmpdir(), 'borealis-agent-'));
  }

  /** `uidGid` runs the agent as another user (root only), e.g. nobody to test missing rights. */
  start(enrollmentToken?: string, env: Record<string, string> = {}, uidGid?: [number, number]): this {
    if (uidGid) this.uidGid = uidGid;
    const args = [AGENT_CLI, 'run', '--server', this.serverUrl, '--home', this.home];
    if (enrollmentToken) args.push('--enrollment-token', enrollmentToken);
    this.output = '';
    this.process = spawn(process.execPath, args, {
      env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
      ...(this.uidGid ? { uid: this.uidGid[0], gid: this.uidGid[1] } : {}),
    });
    this.process.stdout!.on('data', (chunk: Buffer) => { this.output += chunk.toString(); });
    this.process.stderr!.on('data', (chunk: Buffer) => { this.output += chunk.toString(); });
    return this;
  }

  get running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  signal(signal: NodeJS.Signals): void {
    this.process.kill(signal);
  }

  /** Resolves with the exit code (or signal) and how long the exit took. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<{ code: number | null; signal: string | null; ms: number }> {
    const started = Date.now();
    if (!this.running) return { code: this.process.exitCode, signal: this.process.signalCode, ms: 0 };
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolveExit) =>
      this.process.once('exit', (code, sig) => resolveExit({ code, signal: sig })));
    this.process.kill(signal);
    const timer = setTimeout(() => this.process.kill('SIGKILL'), timeoutMs);
    const result = await exited;
    clearTimeout(timer);
    return { ...result, ms: Date.now() - started };
  }

  async dispose(): Promise<void> {
    if (this.running) {
      this.process.kill('SIGCONT');
      await this.stop('SIGKILL');
    }
    rmSync(this.home, { recursive: true, force: true });
  }
}
