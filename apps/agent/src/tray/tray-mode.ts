import type { TrayMode } from '../config/agent-config';

export interface TrayDecision {
  show: boolean;
  /** Why, for the one log line at start. */
  reason: string;
}

/**
 * Whether the agent shows a tray icon. `off`: never. `on`: always try (a failing helper is logged
 * once; the agent runs on). `auto`: only in a desktop session:
 * - Windows: an interactive session. The logon task runs the agent in the user's session
 *   (InteractiveToken), whose environment names it (SESSIONNAME `Console`, `RDP-Tcp#N`). Node has
 *   no session id API, so without SESSIONNAME the agent counts as interactive unless it runs as a
 *   service account (SYSTEM, LocalService, NetworkService: USERNAME `<machine>$`, profile under
 *   `systemprofile` / `ServiceProfiles`), which only exists in session 0. A wrong guess costs one
 *   logged helper failure, nothing more.
 * - Linux: DISPLAY or WAYLAND_DISPLAY set (a systemd service has neither, nor does ssh without -X).
 * - other platforms: no (no helper is embedded for them).
 */
export function decideTray(mode: TrayMode, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): TrayDecision {
  if (mode === 'off') return { show: false, reason: 'tray is off (config)' };
  if (mode === 'on') return { show: true, reason: 'tray is on (config)' };
  if (platform === 'win32') {
    if (env.SESSIONNAME) return { show: true, reason: `interactive Windows session (${env.SESSIONNAME})` };
    const serviceAccount = (env.USERNAME ?? '').endsWith('$') || /\\(systemprofile|ServiceProfiles)(\\|$)/i.test(env.USERPROFILE ?? '');
    return serviceAccount
      ? { show: false, reason: `no interactive Windows session (service account ${env.USERNAME ?? '?'})` }
      : { show: true, reason: `Windows user session (${env.USERNAME ?? '?'})` };
  }
  if (platform === 'linux') {
    if (env.WAYLAND_DISPLAY) return { show: true, reason: `Wayland session (${env.WAYLAND_DISPLAY})` };
    if (env.DISPLAY) return { show: true, reason: `X session (DISPLAY=${env.DISPLAY})` };
    return { show: false, reason: 'headless: neither DISPLAY nor WAYLAND_DISPLAY is set' };
  }
  return { show: false, reason: `no tray on ${platform}` };
}
