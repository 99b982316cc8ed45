import { existsSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_FILE } from '../config/agent-config';
import { CREDENTIALS_FILE } from '../home/credentials-store';
import { PidFile } from '../home/pid-file';
import { installLayout, isSafeToDelete } from './install-layout';
import { INSTALL_FILE, readInstallRecord } from './install-record';
import { terminate } from './process-control';
import type { ServiceBackend, ServiceKind } from './service-backend';

export interface RemoverDeps {
  platform: NodeJS.Platform;
  say: (line: string) => void;
  ofKind: (kind: ServiceKind) => ServiceBackend;
  /** The running executable: on Windows it cannot delete itself. */
  execPath: string;
}

/** Files that mark a folder as an agent home: remove deletes nothing else. */
const MARKERS = [INSTALL_FILE, CREDENTIALS_FILE, CONFIG_FILE, 'agent.pid', 'borealis-agent', 'borealis-agent.exe'];

/**
 * `remove`: stop the agent, delete the service registration (unit or task) and the whole home
 * folder (binary copy, credentials, config, outbox, logs, Roles/). The device stays in the
 * server's list until an operator deletes it (DELETE /api/devices/:id).
 */
export class AgentRemover {
  constructor(private readonly deps: RemoverDeps) {}

  async remove(home: string): Promise<{ problems: string[] }> {
    const layout = installLayout(home, this.deps.platform);
    const problems: string[] = [];
    if (!existsSync(home)) {
      this.deps.say(`nothing installed in ${home}`);
    } else if (!MARKERS.some((name) => existsSync(join(home, name)))) {
      throw new Error(`${home} does not look like an agent home (none of ${MARKERS.join(', ')}): refusing to delete it`);
    }
    if (!isSafeToDelete(home, this.deps.platform)) throw new Error(`refusing to delete ${home}: too close to the file system root`);

    const runningBefore = new PidFile(home).runningPid();
    // Every backend that may hold a registration for this home, the recorded one first.
    const recorded = readInstallRecord(home)?.service;
    const kinds: ServiceKind[] = this.deps.platform === 'win32' ? ['windows-task'] : ['systemd', 'launch'];
    const order = recorded ? [recorded, ...kinds.filter((k) => k !== recorded)] : kinds;
    for (const kind of order) {
      const backend = this.deps.ofKind(kind);
      try {
        const registered = kind !== 'launch' && backend.isRegistered(layout);
        await backend.unregister(layout);
        if (registered) this.deps.say(`${kind} registration ${layout.serviceName} removed`);
      } catch (err) {
        problems.push(`${kind}: ${(err as Error).message}`);
      }
    }
    const pid = new PidFile(home).runningPid();
    if (pid !== undefined && pid !== process.pid) {
      this.deps.say(`stopping agent pid ${pid}: ${await terminate(pid)}`);
    } else if (runningBefore !== undefined) {
      this.deps.say(`agent pid ${runningBefore} stopped`);
    }
    if (existsSync(home)) this.deleteHome(home, problems);
    for (const problem of problems) this.deps.say(`problem: ${problem}`);
    return { problems };
  }

  private deleteHome(home: string, problems: string[]): void {
    let self: string | undefined;
    try {
      self = realpathSync(this.deps.execPath);
    } catch {
      self = undefined;
    }
    const selfInside = this.deps.platform === 'win32' && self !== undefined && self.toLowerCase().startsWith(realpathSync(home).toLowerCase());
    if (!selfInside) {
      rmSync(home, { recursive: true, force: true, maxRetries: 3 });
      this.deps.say(`${home} deleted`);
      return;
    }
    // Windows cannot delete a running .exe: everything else goes now, the folder after we exit.
    for (const name of readdirSync(home)) {
      const path = join(home, name);
      if (path.toLowerCase() === self!.toLowerCase()) continue;
      try {
        rmSync(path, { recursive: true, force: true, maxRetries: 3 });
      } catch (err) {
        problems.push(`${path}: ${(err as Error).message}`);
      }
    }
    this.deps.say(`${home} emptied; delete the folder once this program has exited (remove.ps1 does it)`);
  }
}
