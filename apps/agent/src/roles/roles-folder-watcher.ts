import { existsSync, mkdirSync, readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { RoleDefinition } from '@borealis/roles';
import { RoleFileRejected, loadRoleFile } from './disk-role-loader';

export const ROLES_FOLDER = 'Roles';

export interface RolesFolderWatcherOptions {
  home: string;
  logger: Logger;
  /** Names the agent already hosts: duplicates are rejected. */
  isKnown: (name: string) => boolean;
  /** A validated role: the agent hosts and announces it. */
  onRole: (role: RoleDefinition, file: string) => void;
  /** Rescan period: fs.watch misses events on some file systems (network shares, some containers). */
  rescanMs?: number;
  /** Quiet time after the last change of a file before it is read (a copy in progress). */
  settleMs?: number;
  load?: typeof loadRoleFile;
}

/**
 * Detects role files that land in `<home>/Roles/` while the agent runs: fs.watch for speed plus
 * a periodic rescan for file systems where watching is unreliable. Each `.js` file is tried once
 * per version (mtime + size): a rejected file is logged once and tried again only after it changes.
 */
export class RolesFolderWatcher {
  readonly folder: string;
  private watcher: FSWatcher | undefined;
  private rescanTimer: NodeJS.Timeout | undefined;
  private readonly pending = new Map<string, NodeJS.Timeout>();
  /** file -> version last tried. */
  private readonly tried = new Map<string, string>();
  /** Files whose role is hosted: a class cannot be swapped in a running process. */
  private readonly loaded = new Map<string, string>();
  private stopped = false;

  constructor(private readonly options: RolesFolderWatcherOptions) {
    this.folder = join(options.home, ROLES_FOLDER);
  }

  start(): void {
    mkdirSync(this.folder, { recursive: true, mode: 0o700 });
    try {
      this.watcher = watch(this.folder, (_event, name) => {
        if (name && String(name).endsWith('.js')) this.schedule(join(this.folder, String(name)));
      });
      this.watcher.on('error', (err) => this.options.logger.warn({ err: err.message }, 'Roles/ watch failed; relying on the periodic rescan'));
    } catch (err) {
      this.options.logger.warn({ err: (err as Error).message }, 'cannot watch Roles/; relying on the periodic rescan');
    }
    this.scan();
    this.rescanTimer = setInterval(() => this.scan(), this.options.rescanMs ?? 30_000);
    this.rescanTimer.unref();
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.close();
    clearInterval(this.rescanTimer);
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  /** Tries every `.js` file not tried in its current version. */
  scan(): void {
    if (this.stopped || !existsSync(this.folder)) return;
    for (const name of readdirSync(this.folder).sort()) {
      if (name.endsWith('.js')) this.schedule(join(this.folder, name));
    }
  }

  private schedule(file: string): void {
    if (this.stopped) return;
    clearTimeout(this.pending.get(file));
    const timer = setTimeout(() => {
      this.pending.delete(file);
      this.tryFile(file);
    }, this.options.settleMs ?? 300);
    timer.unref();
    this.pending.set(file, timer);
  }

  private tryFile(file: string): void {
    let version: string;
    try {
      const stat = statSync(file);
      if (!stat.isFile()) return;
      version = `${stat.mtimeMs}:${stat.size}`;
    } catch {
      return; // deleted meanwhile
    }
    if (this.tried.get(file) === version) return;
    this.tried.set(file, version);
    const hosted = this.loaded.get(file);
    if (hosted !== undefined) {
      this.options.logger.warn({ role: hosted, file }, 'role file changed after it was loaded: restart the agent to run the new version');
      return;
    }
    const load = this.options.load ?? loadRoleFile;
    try {
      const role = load(file, this.options.isKnown);
      this.options.logger.info({ role: role.name, file, contexts: role.contexts }, 'role loaded from Roles/');
      this.loaded.set(file, role.name);
      this.options.onRole(role, file);
    } catch (err) {
      const reason = err instanceof RoleFileRejected ? err.message : `unexpected: ${(err as Error).message}`;
      this.options.logger.error({ file, reason }, 'role file rejected');
    }
  }
}
