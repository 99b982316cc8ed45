import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';
import { trayIconBase64, type TrayIconState } from './tray-icon';

/**
 * The systray2 helper protocol (node_modules/systray2/index.js, the Go helper in traybin/, built
 * from systray-portable's tray.go): JSON, one object per line. Helper -> agent:
 * `{"type":"ready"}` once the tray exists, then `{"type":"clicked","__id":N}` per menu click.
 * Agent -> helper: the whole menu once after ready, then `update-item`, `update-menu`,
 * `update-item-and-menu` or `exit`; the helper finds an item by its `__id` and silently ignores
 * any other type. (systray2's own JS and typings send `update-menu-and-item`, which the helper
 * does not know: that is why the agent speaks the protocol itself.) On stdin EOF the helper quits,
 * so an agent that dies takes its icon with it.
 */
export interface TrayItem {
  title: string;
  tooltip: string;
  checked: boolean;
  enabled: boolean;
  hidden: boolean;
  __id: number;
}
export interface TrayMenu {
  icon: string;
  title: string;
  tooltip: string;
  items: TrayItem[];
  isTemplateIcon: boolean;
}
export type TrayToHelper =
  | TrayMenu
  | { type: 'update-item-and-menu'; menu: TrayMenu; item: TrayItem; seq_id: number }
  | { type: 'exit' };
export type HelperToTray = { type: 'ready' } | { type: 'clicked'; __id: number; seq_id?: number; item?: Partial<TrayItem> };

export const TRAY_ITEM = { status: 1, restart: 2, quit: 3 } as const;

export interface TrayStatus {
  state: TrayIconState;
  /** The status line, e.g. `Borealis: online — https://borealis.example`; also the tooltip. */
  text: string;
}

export interface TrayControllerOptions {
  /** Helper command line: `[executable, ...args]`. */
  command: readonly string[];
  logger: Logger;
  initial: TrayStatus;
  onRestart(): void;
  onQuit(): void;
  platform?: NodeJS.Platform;
  /** Longest wait for the helper to exit after `exit` at close, before it is killed. */
  closeTimeoutMs?: number;
}

/**
 * The agent's tray icon through the systray2 helper process. Fail-safe by design: the helper is
 * started once; if it cannot start, crashes, or never says ready, that is logged once (with its
 * exit code and the end of its stderr, e.g. a missing GTK library) and the agent carries on
 * without a tray. It is never restarted (no restart loop on a desktop without a tray host).
 */
export class TrayController {
  private child: ChildProcess | undefined;
  private ready = false;
  private closed = false;
  private failureLogged = false;
  private status: TrayStatus;
  private stderrTail = '';
  private readonly platform: NodeJS.Platform;

  constructor(private readonly options: TrayControllerOptions) {
    this.status = options.initial;
    this.platform = options.platform ?? process.platform;
  }

  /** True once the helper said ready and has not exited since. */
  get active(): boolean {
    return this.ready && this.child !== undefined && !this.closed;
  }

  start(): void {
    if (this.child || this.closed) return;
    const [command, ...args] = this.options.command;
    let child: ChildProcess;
    try {
      child = spawn(command!, args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    } catch (err) {
      this.fail(`cannot start the tray helper: ${(err as Error).message}`);
      return;
    }
    this.child = child;
    child.on('error', (err) => this.fail(`tray helper ${command}: ${err.message}`));
    child.stdin!.on('error', () => { /* EPIPE after the helper died: its exit is what gets logged */ });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => { this.stderrTail = (this.stderrTail + text).slice(-600); });
    // 'close', not 'exit': stdio is drained by then, so the stderr tail (a missing library) is complete.
    child.on('close', (code, signal) => {
      const wasReady = this.ready;
      this.ready = false;
      this.child = undefined;
      if (this.closed) return;
      this.fail(`tray helper exited (${signal ?? `code ${code}`}) ${wasReady ? 'after' : 'before'} it was ready`);
    });
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => this.onLine(line));
    this.options.logger.debug({ command }, 'tray helper started');
  }

  /** Status line, tooltip and icon follow the agent ('online'/'offline' events). */
  setStatus(status: TrayStatus): void {
    const changed = status.text !== this.status.text || status.state !== this.status.state;
    this.status = status;
    if (!changed || !this.active) return;
    this.write({ type: 'update-item-and-menu', menu: this.menu(), item: this.statusItem(), seq_id: 0 });
  }

  /** Removes the icon: asks the helper to exit, kills it if it does not within the timeout. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    this.write({ type: 'exit' });
    child.stdin?.end();
    const timer = setTimeout(() => child.kill(), this.options.closeTimeoutMs ?? 1_000);
    await exited;
    clearTimeout(timer);
  }

  private onLine(line: string): void {
    let message: HelperToTray;
    try {
      message = JSON.parse(line) as HelperToTray;
    } catch {
      return; // the helper's debug output, not protocol
    }
    if (message.type === 'ready') {
      if (this.ready) return;
      this.ready = true;
      this.write(this.menu()); // the menu as it is now: a status that changed meanwhile is not lost
      this.options.logger.info({ status: this.status.text }, 'tray icon shown');
      return;
    }
    if (message.type === 'clicked' && !this.closed) {
      if (message.__id === TRAY_ITEM.restart) {
        this.options.logger.info('tray: Restart chosen');
        this.options.onRestart();
      } else if (message.__id === TRAY_ITEM.quit) {
        this.options.logger.info('tray: Quit chosen');
        this.options.onQuit();
      }
    }
  }

  private statusItem(): TrayItem {
    return { title: this.status.text, tooltip: this.status.text, checked: false, enabled: false, hidden: false, __id: TRAY_ITEM.status };
  }

  private menu(): TrayMenu {
    const item = (title: string, tooltip: string, id: number): TrayItem => ({ title, tooltip, checked: false, enabled: true, hidden: false, __id: id });
    return {
      icon: trayIconBase64(this.status.state, this.platform),
      title: '', // shown beside the icon on some Linux panels: the icon alone is enough
      tooltip: this.status.text,
      isTemplateIcon: false,
      items: [
        this.statusItem(),
        item('Restart', 'Stop the agent and let the service manager start it again', TRAY_ITEM.restart),
        item('Quit', 'Stop the agent', TRAY_ITEM.quit),
      ],
    };
  }

  private write(message: TrayToHelper): void {
    const stdin = this.child?.stdin;
    if (!stdin || stdin.destroyed || !stdin.writable) return;
    stdin.write(`${JSON.stringify(message)}\n`);
  }

  private fail(message: string): void {
    if (this.failureLogged) return;
    this.failureLogged = true;
    const stderr = this.stderrTail.trim();
    this.options.logger.warn({ err: message, ...(stderr ? { stderr } : {}) },
      'no tray icon: the tray helper failed (logged once; the agent runs on without a tray, the helper is not restarted)');
  }
}
