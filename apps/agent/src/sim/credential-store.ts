/**
 * State file of the simulator: agent credentials per server URL, so a re-run reconnects the
 * same 19,500 agents instead of enrolling them again (and growing the server's device table).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AgentCredential } from './sim-types';

interface StateFile {
  version: 1;
  servers: Record<string, AgentCredential[]>;
}

export class CredentialStore {
  private state: StateFile = { version: 1, servers: {} };

  constructor(private readonly path: string) {
    try {
      const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<StateFile>;
      if (parsed.version === 1 && parsed.servers && typeof parsed.servers === 'object') this.state = parsed as StateFile;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read sim state ${path}: ${String(err)}`);
    }
  }

  /** Keyed by origin so `http://127.0.0.1:5000/` and `http://127.0.0.1:5000` share agents. */
  static key(serverUrl: string): string {
    return new URL(serverUrl).origin;
  }

  get(serverUrl: string): AgentCredential[] {
    return this.state.servers[CredentialStore.key(serverUrl)] ?? [];
  }

  set(serverUrl: string, credentials: AgentCredential[]): void {
    this.state.servers[CredentialStore.key(serverUrl)] = credentials;
    this.save();
  }

  /** Write-then-rename, mode 0600: the file holds agent secrets and must never be half written. */
  private save(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state), { mode: 0o600 });
    renameSync(tmp, this.path);
  }
}
