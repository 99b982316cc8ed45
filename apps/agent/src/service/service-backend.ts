import type { InstallLayout } from './install-layout';

export type ServiceKind = 'systemd' | 'launch' | 'windows-task';

/** One way to keep the installed agent running: a systemd unit, a scheduled task, or a bare background process. */
export interface ServiceBackend {
  readonly kind: ServiceKind;
  /** Writes (or rewrites) the registration and (re)starts the agent so it runs the installed binary. */
  install(layout: InstallLayout): Promise<void>;
  /** The registration exists (unit file, task). A launched process has none: always true. */
  isRegistered(layout: InstallLayout): boolean;
  /** The registration is what `install` would write now (repair rewrites it otherwise). */
  registrationCurrent(layout: InstallLayout): boolean;
  /** Starts the agent if it is not running. */
  start(layout: InstallLayout): Promise<void>;
  /** Stops the agent; the registration stays. */
  stop(layout: InstallLayout): Promise<void>;
  /** Stops the agent and deletes the registration; fine when nothing is there. */
  unregister(layout: InstallLayout): Promise<void>;
}
