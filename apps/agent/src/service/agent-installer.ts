import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_FILE } from '../config/agent-config';
import { CredentialsStore, type AgentCredentials } from '../home/credentials-store';
import { PidFile } from '../home/pid-file';
import { AGENT_VERSION } from '../platform';
import { backendOfKind, chooseBackend, type BackendChoice } from './backend-selection';
import { enrollNow, probeCredentials, type CredentialsProbe } from './enroll-now';
import { installLayout, type InstallLayout } from './install-layout';
import { readInstallRecord, writeInstallRecord } from './install-record';
import { isAlive, sleepMs } from './process-control';
import type { ServiceBackend, ServiceKind } from './service-backend';

export interface InstallerDeps {
  platform: NodeJS.Platform;
  /** The binary to copy into home: this executable when it is the single binary, or `--binary`. */
  sourceBinary: string | undefined;
  /** Progress lines for the operator. */
  say: (line: string) => void;
  choose: () => BackendChoice;
  ofKind: (kind: ServiceKind) => ServiceBackend;
  enroll: (home: string, serverUrl: string, token: string) => Promise<AgentCredentials>;
  probe: (credentials: AgentCredentials, serverUrl: string) => Promise<CredentialsProbe>;
  /** How long to wait for the started agent's pid file. */
  startTimeoutMs: number;
}

export interface InstallOptions {
  home: string;
  serverUrl?: string;
  enrollmentToken?: string;
  user?: string;
}

export function realInstallerDeps(platform: NodeJS.Platform, sourceBinary: string | undefined, say: (line: string) => void, user?: string): InstallerDeps {
  return {
    platform,
    sourceBinary,
    say,
    choose: () => chooseBackend({ platform, ...(user ? { user } : {}) }),
    ofKind: (kind) => backendOfKind(kind, { platform, ...(user ? { user } : {}) }),
    enroll: (home, serverUrl, token) => enrollNow(home, serverUrl, token),
    probe: (credentials, serverUrl) => probeCredentials(credentials, serverUrl),
    startTimeoutMs: 20_000,
  };
}

const NO_BINARY = 'no agent binary to install: run the single binary (borealis-agent), or pass --binary PATH';

/** install / repair / launch: copy the binary into home, enroll, register with the service manager, start. */
export class AgentInstaller {
  constructor(private readonly deps: InstallerDeps) {}

  layout(home: string): InstallLayout {
    return installLayout(home, this.deps.platform);
  }

  async install(options: InstallOptions): Promise<ServiceKind> {
    const layout = this.layout(options.home);
    if (!this.deps.sourceBinary) throw new Error(NO_BINARY);
    const { backend, note } = this.deps.choose();
    if (note) this.deps.say(note);
    const previous = readInstallRecord(layout.home);
    if (previous) {
      this.deps.say(`existing install (${previous.service}, ${previous.version}) found: stopping it to upgrade in place`);
      await this.deps.ofKind(previous.service).stop(layout);
    }
    mkdirSync(layout.home, { recursive: true, mode: 0o700 });
    this.copyBinary(layout);
    const serverUrl = this.configureServer(layout, options.serverUrl);
    await this.ensureEnrolled(layout, serverUrl, options.enrollmentToken, false);
    writeInstallRecord(layout.home, {
      service: backend.kind, binary: layout.binary, version: AGENT_VERSION, installedAt: new Date().toISOString(),
      ...(options.user ? { user: options.user } : {}),
    });
    await backend.install(layout);
    const pid = await this.waitRunning(layout);
    this.deps.say(`installed in ${layout.home} as ${backend.kind} (${layout.serviceName}); agent running, pid ${pid}`);
    return backend.kind;
  }

  /** Restores a broken install: binary, config, credentials (re-enroll when refused and a token is given), registration, process. */
  async repair(options: InstallOptions): Promise<string[]> {
    const layout = this.layout(options.home);
    if (!existsSync(layout.home)) throw new Error(`nothing installed in ${layout.home}: run install`);
    const actions: string[] = [];
    const record = readInstallRecord(layout.home);
    const backend = record ? this.deps.ofKind(record.service) : this.deps.choose().backend;
    if (!existsSync(layout.binary) || (this.deps.sourceBinary && !this.sameFile(this.deps.sourceBinary, layout.binary))) {
      await backend.stop(layout);
      this.copyBinary(layout);
      actions.push('binary copied');
    }
    const serverUrl = this.configureServer(layout, options.serverUrl);
    if (await this.ensureEnrolled(layout, serverUrl, options.enrollmentToken, true)) actions.push('enrolled again');
    if (!record || record.service !== backend.kind) {
      writeInstallRecord(layout.home, { service: backend.kind, binary: layout.binary, version: AGENT_VERSION, installedAt: new Date().toISOString() });
      actions.push('install.json rewritten');
    }
    const running = new PidFile(layout.home).runningPid() !== undefined;
    if (!backend.isRegistered(layout) || !backend.registrationCurrent(layout) || actions.length > 0) {
      await backend.install(layout); // rewrites the registration and restarts with the (new) binary/credentials
      actions.push(`${backend.kind} registration written and agent restarted`);
    } else if (!running) {
      await backend.start(layout);
      actions.push('agent started');
    }
    const pid = await this.waitRunning(layout);
    this.deps.say(actions.length ? `repaired: ${actions.join('; ')}; agent running, pid ${pid}` : `nothing to repair; agent running, pid ${pid}`);
    return actions;
  }

  /** `launch`: the background process without a service manager (also the install fallback). */
  async launch(options: InstallOptions): Promise<number> {
    const layout = this.layout(options.home);
    mkdirSync(layout.home, { recursive: true, mode: 0o700 });
    if (!existsSync(layout.binary)) this.copyBinary(layout);
    const serverUrl = this.configureServer(layout, options.serverUrl);
    await this.ensureEnrolled(layout, serverUrl, options.enrollmentToken, false);
    await this.deps.ofKind('launch').start(layout);
    const pid = await this.waitRunning(layout);
    this.deps.say(`agent launched in the background from ${layout.home}, pid ${pid}; logs in ${join(layout.home, 'Logs', 'Agent')}`);
    return pid;
  }

  private copyBinary(layout: InstallLayout): void {
    const source = this.deps.sourceBinary;
    if (!source) throw new Error(NO_BINARY);
    if (existsSync(layout.binary) && this.sameFile(source, layout.binary)) return;
    // Copy beside the target and rename: a running old binary keeps its inode on Linux.
    const temp = `${layout.binary}.new`;
    copyFileSync(source, temp);
    chmodSync(temp, 0o755);
    renameSync(temp, layout.binary);
    this.deps.say(`binary copied to ${layout.binary}`);
  }

  private sameFile(a: string, b: string): boolean {
    try {
      if (realpathSync(a) === realpathSync(b)) return true;
      return readFileSync(a).equals(readFileSync(b));
    } catch {
      return false;
    }
  }

  /** Writes serverUrl into config.json (keeping other settings); returns the URL in effect. */
  private configureServer(layout: InstallLayout, serverUrl: string | undefined): string {
    const path = join(layout.home, CONFIG_FILE);
    let config: Record<string, unknown> = {};
    if (existsSync(path)) {
      try {
        config = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      } catch (err) {
        throw new Error(`${path} is not valid JSON (${(err as Error).message}): fix or delete it`);
      }
    }
    if (serverUrl) {
      if (config.serverUrl !== serverUrl) writeFileSync(path, `${JSON.stringify({ ...config, serverUrl }, null, 2)}\n`, { mode: 0o600 });
      return serverUrl;
    }
    if (typeof config.serverUrl === 'string' && config.serverUrl) return config.serverUrl;
    const credentials = this.loadCredentials(layout);
    if (credentials) return credentials.serverUrl;
    throw new Error('server URL missing: pass --server URL');
  }

  private loadCredentials(layout: InstallLayout): AgentCredentials | undefined {
    try {
      return new CredentialsStore(layout.home).load();
    } catch {
      return undefined; // corrupt: treated as missing, a token re-enrolls
    }
  }

  /** True when it (re-)enrolled. `verify` probes the server with stored credentials (repair). */
  private async ensureEnrolled(layout: InstallLayout, serverUrl: string, token: string | undefined, verify: boolean): Promise<boolean> {
    const stored = this.loadCredentials(layout);
    if (stored && stored.serverUrl === serverUrl) {
      if (!verify) {
        this.deps.say(`already enrolled as agent ${stored.agentId}: keeping the credentials`);
        return false;
      }
      const probe = await this.deps.probe(stored, serverUrl);
      if (probe === 'accepted') return false;
      if (probe === 'unreachable') {
        this.deps.say(`server ${serverUrl} unreachable: keeping the credentials of agent ${stored.agentId} (the agent retries by itself)`);
        return false;
      }
      if (!token) throw new Error(`the server refuses the credentials of agent ${stored.agentId} (deleted or revoked): pass --enrollment-token to enroll again`);
      this.deps.say(`the server refuses the credentials of agent ${stored.agentId}: enrolling again`);
    } else if (!token) {
      throw new Error(stored
        ? `credentials in ${layout.home} were issued by ${stored.serverUrl}, not ${serverUrl}: pass --enrollment-token to enroll with this server`
        : `not enrolled: pass --enrollment-token (create one with POST /api/enrollment-tokens)`);
    }
    const credentials = await this.deps.enroll(layout.home, serverUrl, token);
    this.deps.say(`enrolled with ${serverUrl} as agent ${credentials.agentId}`);
    return true;
  }

  private async waitRunning(layout: InstallLayout): Promise<number> {
    const pidFile = new PidFile(layout.home);
    const deadline = Date.now() + this.deps.startTimeoutMs;
    for (;;) {
      const pid = pidFile.read();
      if (pid !== undefined && isAlive(pid)) return pid;
      if (Date.now() > deadline) {
        throw new Error(`the agent did not start within ${this.deps.startTimeoutMs / 1000} s: see ${join(layout.home, 'Logs', 'Agent')}`);
      }
      await sleepMs(100);
    }
  }
}
