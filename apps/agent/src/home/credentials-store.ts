import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const CREDENTIALS_FILE = 'credentials.json';

/** What enrollment yields; the secret authenticates every later connection. */
export interface AgentCredentials {
  agentId: string;
  secret: string;
  /** Origin the credentials were issued by: another server would not know them. */
  serverUrl: string;
}

/** `<home>/credentials.json`, readable by the agent's user only (0600). */
export class CredentialsStore {
  readonly path: string;

  constructor(readonly home: string) {
    this.path = join(home, CREDENTIALS_FILE);
  }

  /** Undefined when not enrolled yet; throws when the file exists but is unusable. */
  load(): AgentCredentials | undefined {
    if (!existsSync(this.path)) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch (err) {
      throw new Error(`${this.path} is not valid JSON: ${(err as Error).message}`);
    }
    const c = parsed as Partial<AgentCredentials> | null;
    if (!c || typeof c.agentId !== 'string' || !c.agentId || typeof c.secret !== 'string' || !c.secret
      || typeof c.serverUrl !== 'string') {
      throw new Error(`${this.path} must hold {agentId, secret, serverUrl}`);
    }
    return { agentId: c.agentId, secret: c.secret, serverUrl: c.serverUrl };
  }

  /** Writes a new file with mode 0600 and renames it over the old one, so a crash never leaves half a secret. */
  save(credentials: AgentCredentials): void {
    mkdirSync(this.home, { recursive: true, mode: 0o700 });
    const temp = `${this.path}.${process.pid}.tmp`;
    const body = JSON.stringify(
      { agentId: credentials.agentId, secret: credentials.secret, serverUrl: credentials.serverUrl },
      null,
      2,
    );
    writeFileSync(temp, `${body}\n`, { mode: 0o600 });
    chmodSync(temp, 0o600); // the mode above is masked by umask on creation; be explicit
    renameSync(temp, this.path);
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }
}
