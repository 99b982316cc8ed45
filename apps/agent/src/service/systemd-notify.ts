import { spawn } from 'node:child_process';
import type { Logger } from 'pino';

/** What the notifier needs to start `systemd-notify`; injected so the unit spec needs no systemd. */
export type NotifySpawner = (command: string, args: string[], env: NodeJS.ProcessEnv) => {
  on(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
};

const realSpawner: NotifySpawner = (command, args, env) => spawn(command, args, { env, stdio: 'ignore', windowsHide: true });

/** The variables systemd hands a Type=notify service; removed from process.env so children never inherit them. */
export const NOTIFY_ENV = ['NOTIFY_SOCKET', 'WATCHDOG_USEC', 'WATCHDOG_PID'] as const;

export interface SystemdNotifierOptions {
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  pid?: number;
  spawner?: NotifySpawner;
  /** `systemd-notify` by default; a test may point elsewhere. */
  command?: string;
}

/**
 * sd_notify for the agent under a `Type=notify` unit (see systemd-unit.ts). Node cannot send a
 * unix datagram, so each message goes through the `systemd-notify` CLI (systemd 252 checked):
 * `systemd-notify --pid=<agent pid> VAR=value...`. As root (the unit has no User=) the tool sends
 * with the agent's pid as the datagram's credentials: PID 1 attributes the message to the agent,
 * the unit's main process, even when the short-lived tool has exited by the time it is read (the
 * race the man page warns about); it also waits for PID 1 to have read it (its BARRIER=1), so a
 * spawn lives a few ms, at most 5 s.
 *
 * Inert unless `NOTIFY_SOCKET` is set (not under systemd, or Type=simple): every method is then a
 * no-op. Never blocks and never throws: a failing `systemd-notify` (missing, refused) is logged
 * once at warn level and the agent goes on; systemd then stops it for a missing READY/WATCHDOG,
 * which is what the operator asked for with Type=notify.
 */
export class SystemdNotifier {
  readonly socket: string | undefined;
  /** Watchdog interval asked by systemd (WatchdogSec), in ms; undefined when the watchdog is off or not ours. */
  readonly watchdogMs: number | undefined;
  private readonly logger: Logger;
  private readonly pid: number;
  private readonly spawner: NotifySpawner;
  private readonly command: string;
  private watchdogTimer: NodeJS.Timeout | undefined;
  private failureLogged = false;
  private lastStatus: string | undefined;

  constructor(options: SystemdNotifierOptions) {
    const env = options.env ?? process.env;
    this.logger = options.logger;
    this.pid = options.pid ?? process.pid;
    this.spawner = options.spawner ?? realSpawner;
    this.command = options.command ?? 'systemd-notify';
    const socket = env.NOTIFY_SOCKET?.trim();
    this.socket = socket ? socket : undefined;
    // sd_watchdog_enabled(): WATCHDOG_PID, when set, names the process the watchdog is for.
    const watchdogPid = env.WATCHDOG_PID ? Number(env.WATCHDOG_PID) : undefined;
    const usec = Number(env.WATCHDOG_USEC);
    this.watchdogMs = this.socket && Number.isFinite(usec) && usec > 0 && (watchdogPid === undefined || watchdogPid === this.pid)
      ? Math.max(1, Math.floor(usec / 1000))
      : undefined;
  }

  /**
   * Reads and removes NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID from `process.env` (like
   * sd_notify's unset_environment): with NotifyAccess=all any process of the unit may notify, and
   * a script job that inherited them could otherwise tell systemd READY or STOPPING in our name.
   */
  static fromProcess(logger: Logger): SystemdNotifier {
    const env = { ...process.env };
    for (const name of NOTIFY_ENV) delete process.env[name];
    return new SystemdNotifier({ logger, env });
  }

  get enabled(): boolean {
    return this.socket !== undefined;
  }

  /** READY=1 with a status line: start-up is done (not "connected": see run-command.ts). */
  ready(status: string): void {
    this.lastStatus = status;
    this.send(['READY=1', `STATUS=${status}`]);
  }

  /** STATUS=<text> (shown by `systemctl status`); repeated identical texts are not resent. */
  status(text: string): void {
    if (text === this.lastStatus) return;
    this.lastStatus = text;
    this.send([`STATUS=${text}`]);
  }

  /** EXTEND_TIMEOUT_USEC: a start that waits on purpose (crash-loop back-off) must not hit TimeoutStartSec. */
  extendStartTimeout(ms: number, status: string): void {
    this.lastStatus = status;
    this.send([`EXTEND_TIMEOUT_USEC=${Math.ceil(ms) * 1000}`, `STATUS=${status}`]);
  }

  /** STOPPING=1: the graceful stop has begun. */
  stopping(reason: string): void {
    this.stopWatchdog();
    this.send(['STOPPING=1', `STATUS=stopping (${reason})`]);
  }

  /**
   * WATCHDOG=1 every half interval, from a timer on the event loop: a loop that stops turning
   * stops the pings, and systemd kills (SIGABRT) and restarts the agent after WatchdogSec.
   * Started at once, not at READY: a crash-loop back-off before the start keeps pinging.
   */
  startWatchdog(): void {
    if (this.watchdogMs === undefined || this.watchdogTimer) return;
    this.send(['WATCHDOG=1']);
    this.watchdogTimer = setInterval(() => this.send(['WATCHDOG=1']), Math.max(1, Math.floor(this.watchdogMs / 2)));
    this.watchdogTimer.unref(); // never keeps a stopping process alive
  }

  stopWatchdog(): void {
    if (this.watchdogTimer) clearInterval(this.watchdogTimer);
    this.watchdogTimer = undefined;
  }

  private send(assignments: string[]): void {
    if (!this.socket) return;
    // Only this socket reaches the tool: the agent's own environment was cleaned of it.
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', NOTIFY_SOCKET: this.socket };
    const args = [`--pid=${this.pid}`, ...assignments.map((a) => a.replace(/[\r\n]+/g, ' '))];
    try {
      const child = this.spawner(this.command, args, env);
      child.on('error', (err) => this.failed(`${this.command}: ${err.message}`));
      child.on('exit', (code, signal) => {
        if (code !== 0) this.failed(`${this.command} ${assignments.join(' ')} exited ${code ?? signal}`);
      });
    } catch (err) {
      this.failed(`${this.command}: ${(err as Error).message}`);
    }
  }

  private failed(message: string): void {
    if (this.failureLogged) return;
    this.failureLogged = true;
    this.logger.warn({ err: message, notifySocket: this.socket },
      'systemd notification failed (logged once); under Type=notify systemd may stop the agent for a missing READY or WATCHDOG');
  }
}
