import { execFile } from 'node:child_process';

/** Runs a command and resolves with its stdout ('' when it fails). */
export type CommandOutput = (file: string, args: string[]) => Promise<string>;

export const execFileOutput: CommandOutput = (file, args) => new Promise((resolve) => {
  execFile(file, args, { timeout: 10_000, windowsHide: true }, (err, stdout) => resolve(err ? '' : stdout));
});

export interface TasklistRow { image: string; pid: number; session: number }

/** `tasklist /FO CSV /NH` rows: "Image Name","PID","Session Name","Session#","Mem Usage". */
export function parseTasklistCsv(text: string): TasklistRow[] {
  const rows: TasklistRow[] = [];
  for (const line of text.split(/\r?\n/)) {
    const cells = [...line.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
    if (cells.length < 4) continue;
    const pid = Number(cells[1]);
    const session = Number(cells[3]);
    if (Number.isInteger(pid) && Number.isInteger(session)) rows.push({ image: cells[0]!, pid, session });
  }
  return rows;
}

/**
 * Best-effort "is this session locked" for Windows, without a native addon: while a session is
 * locked or shows the secure desktop (lock screen, UAC prompt, Ctrl+Alt+Del), Windows runs
 * LogonUI.exe in that session. Captures there are black and input goes nowhere, so the roles
 * answer `display_locked` instead. Our own session number is looked up once; the answer is cached
 * for `cacheMs` so a stream does not run tasklist per frame.
 */
export class WindowsLockProbe {
  private session: number | undefined;
  private cached: { at: number; locked: boolean } | undefined;

  constructor(
    private readonly run: CommandOutput = execFileOutput,
    private readonly pid: number = process.pid,
    private readonly now: () => number = Date.now,
    private readonly cacheMs = 2_000,
  ) {}

  async locked(): Promise<boolean> {
    const now = this.now();
    if (this.cached && now - this.cached.at < this.cacheMs) return this.cached.locked;
    if (this.session === undefined) {
      const own = parseTasklistCsv(await this.run('tasklist', ['/FO', 'CSV', '/NH', '/FI', `PID eq ${this.pid}`]));
      this.session = own.find((r) => r.pid === this.pid)?.session;
    }
    const logonUi = parseTasklistCsv(await this.run('tasklist', ['/FO', 'CSV', '/NH', '/FI', 'IMAGENAME eq LogonUI.exe']));
    // Unknown own session (tasklist failed): any LogonUI counts; on a workstation there is one session.
    const locked = logonUi.some((r) => r.image.toLowerCase() === 'logonui.exe' && (this.session === undefined || r.session === this.session));
    this.cached = { at: now, locked };
    return locked;
  }
}
