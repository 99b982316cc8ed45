/** What the unit starts; paths are absolute. */
export interface SystemdUnitSpec {
  binary: string;
  home: string;
  description?: string;
}

/** systemd's quoting for ExecStart: double quotes with backslash and quote escaped, `%` doubled (specifier). */
export function quoteExecArg(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%')}"`;
}

/**
 * The unit `install` writes to /etc/systemd/system/borealis-agent.service.
 * - Type=simple: readiness via sd_notify needs a datagram on $NOTIFY_SOCKET, which Node cannot
 *   send without native code, and `systemd-notify` from a child races with its own exit (systemd
 *   may drop the message); so no Type=notify and no WatchdogSec. The agent watches itself instead
 *   (event-loop lag, memory ceiling) and exits non-zero; Restart=always brings it back.
 * - StartLimit: the agent's own crash-loop back-off spaces restarts out (5 s, 10 s, ... 5 min),
 *   so 20 starts in 10 min means something outside the agent is wrong; then systemd stops trying.
 * - KillMode=mixed: SIGTERM to the agent only (it stops its jobs and says goodbye), SIGKILL to
 *   whatever is left in the cgroup after TimeoutStopSec.
 * - LimitNOFILE: script jobs and their pipes; the agent itself needs few.
 */
export function renderSystemdUnit(spec: SystemdUnitSpec): string {
  for (const path of [spec.binary, spec.home]) {
    // A newline would end the setting and start another one: never let a path inject settings.
    if (!path.startsWith('/') || /[\x00-\x1f]/.test(path)) throw new Error(`unit path must be absolute without control characters: ${JSON.stringify(path)}`);
  }
  const exec = [quoteExecArg(spec.binary), 'run', '--home', quoteExecArg(spec.home)].join(' ');
  return [
    '# Written by `borealis-agent install`; `borealis-agent repair` rewrites it, `remove` deletes it.',
    '[Unit]',
    `Description=${spec.description ?? 'Borealis agent'}`,
    'Wants=network-online.target',
    'After=network-online.target',
    'StartLimitIntervalSec=600',
    'StartLimitBurst=20',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${exec}`,
    `WorkingDirectory=${spec.home}`, // a plain path: systemd does not unquote this setting
    'Restart=always',
    'RestartSec=5',
    'TimeoutStopSec=10',
    'KillMode=mixed',
    'LimitNOFILE=65536',
    // The agent writes JSON logs under its home; the journal only gets what reaches stderr.
    'StandardOutput=null',
    'StandardError=journal',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}
