import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createServiceLogger } from '@borealis/logging';
import { Agent } from '../agent';
import { ConfigError, ENV, loadAgentConfig, type ConfigFlags } from '../config/agent-config';
import { PidFile } from '../home/pid-file';
import { RolesFolderWatcher } from '../roles/roles-folder-watcher';
import { SystemdNotifier } from '../service/systemd-notify';
import { EXIT_UNHEALTHY, SelfSupervision } from '../supervision/self-supervision';
import { EXIT_RESTART, startAgentTray, statusText, type AgentTray } from '../tray/agent-tray';

/** systemd and the Windows service manager kill after ~5-10 s; finish well before. */
const FORCE_EXIT_MS = 4_500;
/** Role hooks get less than the force-exit budget at shutdown so logs can still be flushed. */
const STOP_HOOK_TIMEOUT_MS = 3_000;

/**
 * `borealis-agent run`: foreground agent until SIGINT/SIGTERM (SIGBREAK on Windows).
 * Resolves once started; the process then lives on its socket and exits from `shutdown`.
 */
export async function runCommand(flags: ConfigFlags): Promise<void> {
  let config;
  try {
    config = loadAgentConfig({ flags });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  mkdirSync(config.home, { recursive: true, mode: 0o700 });
  const pidFile = new PidFile(config.home);
  try {
    pidFile.acquire();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }

  // Helper children (the desktop worker started as `<agent> desktop-worker`) inherit the home, so
  // they extract embedded native files under the same <home>/native/ (sea/embedded-assets.ts).
  process.env[ENV.home] = config.home;

  const service = await createServiceLogger({ service: 'Agent', dir: join(config.home, 'Logs'), level: config.logLevel, stdout: true });
  const logger = service.logger;
  // Under a Type=notify unit (NOTIFY_SOCKET set): watchdog pings from now on, READY once started.
  const notifier = SystemdNotifier.fromProcess(logger);
  notifier.startWatchdog();
  const supervision = new SelfSupervision(config.supervision, config.home, logger);
  const { delayMs: startDelayMs } = supervision.recordStart();
  const agent = new Agent({
    serverUrl: config.serverUrl,
    home: config.home,
    ...(config.enrollmentToken !== undefined ? { enrollmentToken: config.enrollmentToken } : {}),
    logger,
    hookTimeoutMs: STOP_HOOK_TIMEOUT_MS,
  });

  // Roles that land in <home>/Roles/ while running are validated, hosted and announced.
  const rolesWatcher = new RolesFolderWatcher({
    home: config.home,
    logger,
    isKnown: (name) => agent.roles.has(name),
    onRole: (role) => agent.addRole(role),
  });

  let exiting = false;
  let tray: AgentTray | undefined;
  const shutdown = async (code: number, reason: string): Promise<void> => {
    if (exiting) return;
    exiting = true;
    notifier.stopping(reason);
    // Backstop: a role or socket that hangs must not keep a stopping service alive.
    const force = setTimeout(() => {
      logger.warn({ reason }, 'graceful stop took too long; exiting anyway');
      pidFile.release();
      process.exit(code);
    }, FORCE_EXIT_MS);
    force.unref();
    logger.info({ reason }, 'stopping agent');
    supervision.stop();
    rolesWatcher.stop();
    const trayClosed = tray?.close();
    try {
      await agent.stop();
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'error while stopping');
    }
    await trayClosed;
    pidFile.release();
    await service.close();
    process.exit(code);
  };

  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  if (process.platform === 'win32') signals.push('SIGBREAK'); // Ctrl-Break and console close on Windows
  for (const signal of signals) {
    process.on(signal, () => {
      if (exiting) {
        process.exit(0); // a second signal means "now"
      }
      void shutdown(0, signal);
    });
  }
  agent.on('fatal', (err) => {
    process.stderr.write(`borealis-agent: ${err.message}\n`);
    void shutdown(1, 'fatal');
  });
  process.on('uncaughtException', (err) => {
    logger.fatal({ err: err.message, stack: err.stack }, 'uncaught exception');
    void shutdown(1, 'uncaughtException');
  });
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason instanceof Error ? reason.message : String(reason) }, 'unhandled promise rejection');
  });

  if (startDelayMs > 0) {
    // Type=notify: a deliberate wait must not run into TimeoutStartSec before READY.
    notifier.extendStartTimeout(startDelayMs + 30_000, `crash-loop back-off: starting in ${Math.round(startDelayMs / 1000)} s`);
    // Kept referenced: the process must wait, not exit; a signal still stops it meanwhile.
    await new Promise((resolve) => setTimeout(resolve, startDelayMs));
    if (exiting) return;
  }
  await agent.start();
  rolesWatcher.start();
  supervision.startMonitor(() => void shutdown(EXIT_UNHEALTHY, 'unhealthy'));

  // READY=1 now that start-up is done, not at the first 'online': the connect loop runs in the
  // background and a server that is down must not make systemd fail the start or kill the agent;
  // STATUS= says whether it is online.
  notifier.ready(`started, connecting to ${config.serverUrl}`);
  tray = startAgentTray({
    mode: config.tray,
    home: config.home,
    serverUrl: config.serverUrl,
    logger,
    onRestart: () => void shutdown(EXIT_RESTART, 'tray: restart'),
    onQuit: () => void shutdown(0, 'tray: quit'),
  });
  agent.on('online', () => {
    notifier.status(`online, connected to ${config.serverUrl}`);
    tray?.setStatus({ state: 'online', text: statusText(true, config.serverUrl) });
  });
  agent.on('offline', ({ reason }) => {
    notifier.status(`offline (${reason}), retrying`);
    tray?.setStatus({ state: 'offline', text: statusText(false, config.serverUrl) });
  });
  agent.on('retry', ({ reason }) => {
    notifier.status(`offline (${reason}), retrying`);
    tray?.setStatus({ state: 'offline', text: statusText(false, config.serverUrl) });
  });
  agent.on('state', (state) => {
    // First enrollment: 'waiting' here is a retry of the enrollment (no 'retry' event for it).
    if (state === 'enrolling') notifier.status(`enrolling with ${config.serverUrl}`);
    if (state === 'waiting') tray?.setStatus({ state: 'offline', text: statusText(false, config.serverUrl) });
  });
}
