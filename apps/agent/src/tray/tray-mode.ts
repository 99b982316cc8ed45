import type { TrayMode } from '../config/agent-config';

export interface TrayDecision {
  show: boolean;
  /** Why, for the one log line at start. */
  reason: string;
}

/**
 * Whether the agent shows a tray icon. `off`: never. `on`: always try (a failing helper is logged
 * once; the agent runs on). `auto`: only in a desktop session:
 * - Windows: an interactive session. The logon task runs the agent in the user's session, where
 *   Windows sets SESSIONNAME (`Console`, `RDP-Tcp#N`); a service or a task without a logged-on
 *   user runs in session 0 without it.
 * - Linux: DISPLAY or WAYLAND_DISPLAY set (a systemd service has neither, nor does ssh without -X).
 * - other platforms: no (no helper is embedded for them).
 */
export function decideTray(mode: TrayMode, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): TrayDecision {
  if (mode === 'off') return { show: false, reason: 'tray is off (config)' };
  if (mode === 'on') return { show: true, reason: 'tray is on (config)' };
  if (platform === 'win32') {
    return env.SESSIONNAME
      ? { show: true, reason: `interactive Windows session (${env.SESSIONNAME})` }
      : { show: false, reason: 'no interactive Windows session (SESSIONNAME unset)' };
  }
  if (platform === 'linux') {
    if (env.WAYLAND_DISPLAY) return { show: true, reason: `Wayland session (${env.WAYLAND_DISPLAY})` };
    if (env.DISPLAY) return { show: true, reason: `X session (DISPLAY=${env.DISPLAY})` };
    return { show: false, reason: 'headless: neither DISPLAY nor WAYLAND_DISPLAY is set' };
  }
  return { show: false, reason: `no tray on ${platform}` };
}
