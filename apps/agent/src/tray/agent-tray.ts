import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import type { TrayMode } from '../config/agent-config';
import { embeddedHelperPath } from '../sea/embedded-assets';
import { extractEmbedded } from '../sea/native-addon';
import { TrayController, type TrayStatus } from './tray-controller';
import { decideTray } from './tray-mode';

/**
 * Exit code of `Restart` in the tray menu (EX_TEMPFAIL): the agent stops gracefully and exits with
 * it for the service manager to start it again (systemd: Restart=always, after RestartSec; the
 * Windows logon task: its 5-minute trigger repetition). `Quit` exits 0.
 */
export const EXIT_RESTART = 75;

/** Diagnostic override of the helper command line (a JSON array, or one executable path). */
export const TRAY_HELPER_ENV = 'BOREALIS_TRAY_HELPER';

const HELPER_FILES: Partial<Record<NodeJS.Platform, string>> = {
  linux: 'tray_linux_release',
  win32: 'tray_windows_release.exe',
};

/**
 * The helper's command line. In the single binary: the helper embedded in it, extracted under
 * `<home>/native/` with mode 0755 (never node_modules: there is none). From source: the file in
 * node_modules/systray2/traybin, copied the same way (npm installs it without the exec bit, and
 * the agent never changes node_modules).
 */
export function trayHelperCommand(home: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string[] {
  const override = env[TRAY_HELPER_ENV]?.trim();
  if (override) return override.startsWith('[') ? (JSON.parse(override) as string[]) : [override];
  const embedded = embeddedHelperPath('tray', home);
  if (embedded) return [embedded];
  const file = HELPER_FILES[platform];
  if (!file) throw new Error(`no tray helper for ${platform}`);
  // A variable, not a literal: the single binary never gets here, and esbuild need not resolve it.
  const systray2 = 'systray2/package.json';
  const source = join(dirname(require.resolve(systray2)), 'traybin', file);
  if (!existsSync(source)) throw new Error(`tray helper missing: ${source}`);
  return [extractEmbedded({ fileName: file, bytes: readFileSync(source) }, home)];
}

export function statusText(online: boolean, serverUrl: string, detail?: string): string {
  return online ? `Borealis: online — ${serverUrl}` : `Borealis: offline, retrying${detail ? ` (${detail})` : ''}`;
}

export interface AgentTrayOptions {
  mode: TrayMode;
  home: string;
  serverUrl: string;
  logger: Logger;
  onRestart(): void;
  onQuit(): void;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

export interface AgentTray {
  setStatus(status: TrayStatus): void;
  close(): Promise<void>;
}

/**
 * Starts the tray when the mode and the session allow it (see tray-mode.ts); otherwise logs one
 * info line and returns undefined. Never throws: a helper that cannot be found or started is
 * logged once and the agent runs without a tray.
 */
export function startAgentTray(options: AgentTrayOptions): AgentTray | undefined {
  const env = options.env ?? process.env;
  const decision = decideTray(options.mode, env, options.platform);
  if (!decision.show) {
    options.logger.info({ tray: options.mode }, `no tray icon: ${decision.reason}`);
    return undefined;
  }
  let command: string[];
  try {
    command = trayHelperCommand(options.home, env, options.platform);
  } catch (err) {
    options.logger.warn({ err: (err as Error).message }, 'no tray icon: the tray helper is not available (the agent runs on without a tray)');
    return undefined;
  }
  options.logger.info({ tray: options.mode, helper: command[0] }, `starting the tray icon: ${decision.reason}`);
  const controller = new TrayController({
    command,
    logger: options.logger,
    initial: { state: 'offline', text: `Borealis: starting — ${options.serverUrl}` },
    onRestart: options.onRestart,
    onQuit: options.onQuit,
    ...(options.platform ? { platform: options.platform } : {}),
  });
  controller.start();
  return controller;
}
