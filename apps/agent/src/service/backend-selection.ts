import { LaunchService } from './launch-service';
import { realRunner, type ProcessRunner } from './process-runner';
import type { ServiceBackend, ServiceKind } from './service-backend';
import { SystemdService, systemdIsInit } from './systemd-service';
import { WindowsTaskService } from './windows-task-service';

export interface BackendChoice {
  backend: ServiceBackend;
  /** Said to the operator when the choice is a fallback. */
  note?: string;
}

export interface SelectionDeps {
  platform?: NodeJS.Platform;
  runner?: ProcessRunner;
  pid1?: () => string;
  user?: string;
}

/** Windows: the logon task. Linux: systemd when it is PID 1, else `launch` (and say so). */
export function chooseBackend(deps: SelectionDeps = {}): BackendChoice {
  const platform = deps.platform ?? process.platform;
  const runner = deps.runner ?? realRunner;
  if (platform === 'win32') return { backend: new WindowsTaskService(runner, deps.user) };
  const init = systemdIsInit(deps.pid1);
  if (init.ok) return { backend: new SystemdService(runner) };
  return {
    backend: new LaunchService(),
    note: `systemd is not PID 1 here (PID 1 is "${init.pid1}"): falling back to launch. The agent runs as a detached `
      + 'background process; nothing restarts it after a crash or a reboot (use the container\'s restart policy).',
  };
}

/** The backend an existing install used (install.json), for remove/repair/status. */
export function backendOfKind(kind: ServiceKind, deps: SelectionDeps = {}): ServiceBackend {
  const runner = deps.runner ?? realRunner;
  if (kind === 'systemd') return new SystemdService(runner);
  if (kind === 'windows-task') return new WindowsTaskService(runner, deps.user);
  return new LaunchService();
}
