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

/** WatchdogSec of the unit: the agent pings every half of it (WATCHDOG_USEC tells it the value). */
export const WATCHDOG_SEC = 60;

/**
 * The unit `install` writes to /etc/systemd/system/borealis-agent.service.
 * - Type=notify: `systemctl start/restart` (and so `install`) returns once the agent says READY=1,
 *   which it does when its start-up is done (config, logs, roles, connect loop started), not when
 *   it is first online: a server that is down must not make systemd fail or kill the agent; the
 *   agent keeps retrying and STATUS= tells `systemctl status` whether it is online.
 * - NotifyAccess=all: Node cannot send the unix datagram itself, so the messages come from the
 *   `systemd-notify` tool, a child of the agent. With the default (main) systemd would drop every
 *   message whose sender is not the main PID. As root the tool sends with the agent's pid as
 *   credentials anyway (--pid), which also keeps PID 1 able to attribute a message after the tool
 *   exited; `all` keeps it working if that is not possible. The agent removes NOTIFY_SOCKET from
 *   its environment, so script jobs do not inherit it.
 * - WatchdogSec: the agent sends WATCHDOG=1 every WatchdogSec/2 from a timer on its event loop;
 *   a loop blocked for good (which the agent's own lag check cannot see from inside the loop)
 *   stops the pings and systemd kills it (SIGABRT) and restarts it (Restart=always).
 *   A crash-loop back-off before the start extends the start timeout (EXTEND_TIMEOUT_USEC).
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
    'Type=notify',
    'NotifyAccess=all',
    `WatchdogSec=${WATCHDOG_SEC}`,
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
