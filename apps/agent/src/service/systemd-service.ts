import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InstallLayout } from './install-layout';
import { describeFailure, type ProcessRunner, type RunResult } from './process-runner';
import type { ServiceBackend } from './service-backend';
import { renderSystemdUnit } from './systemd-unit';

export const SYSTEMD_UNIT_DIR = '/etc/systemd/system';

/** systemd manages services only when it is PID 1; in a container PID 1 is something else. */
export function systemdIsInit(readComm: () => string = () => readFileSync('/proc/1/comm', 'utf8')): { ok: boolean; pid1: string } {
  let pid1 = 'unknown';
  try {
    pid1 = readComm().trim();
  } catch {
    /* no /proc: not Linux as we know it */
  }
  return { ok: pid1 === 'systemd', pid1 };
}

/** The agent as a systemd unit: written to /etc/systemd/system, enabled, started. */
export class SystemdService implements ServiceBackend {
  readonly kind = 'systemd' as const;

  constructor(
    private readonly runner: ProcessRunner,
    private readonly unitDir: string = SYSTEMD_UNIT_DIR,
  ) {}

  unitPath(layout: InstallLayout): string {
    return join(this.unitDir, `${layout.serviceName}.service`);
  }

  expectedUnit(layout: InstallLayout): string {
    return renderSystemdUnit({ binary: layout.binary, home: layout.home });
  }

  async install(layout: InstallLayout): Promise<void> {
    mkdirSync(this.unitDir, { recursive: true });
    writeFileSync(this.unitPath(layout), this.expectedUnit(layout), { mode: 0o644 });
    this.systemctl('daemon-reload');
    this.systemctl('enable', `${layout.serviceName}.service`);
    // restart, not start: a re-install (upgrade) must run the binary just copied.
    this.systemctl('restart', `${layout.serviceName}.service`);
  }

  isRegistered(layout: InstallLayout): boolean {
    return existsSync(this.unitPath(layout));
  }

  registrationCurrent(layout: InstallLayout): boolean {
    try {
      return readFileSync(this.unitPath(layout), 'utf8') === this.expectedUnit(layout);
    } catch {
      return false;
    }
  }

  isActive(layout: InstallLayout): boolean {
    return this.runner.run('systemctl', ['is-active', '--quiet', `${layout.serviceName}.service`]).code === 0;
  }

  async start(layout: InstallLayout): Promise<void> {
    // reset-failed first: a unit that hit its start limit refuses `start` until reset.
    this.runner.run('systemctl', ['reset-failed', `${layout.serviceName}.service`]);
    this.systemctl('enable', `${layout.serviceName}.service`);
    this.systemctl('start', `${layout.serviceName}.service`);
  }

  async stop(layout: InstallLayout): Promise<void> {
    if (!this.isRegistered(layout)) return;
    this.systemctl('stop', `${layout.serviceName}.service`);
  }

  async unregister(layout: InstallLayout): Promise<void> {
    if (this.isRegistered(layout)) {
      // disable --now stops it too; failures are reported but the unit file still goes.
      const disabled = this.runner.run('systemctl', ['disable', '--now', `${layout.serviceName}.service`]);
      rmSync(this.unitPath(layout), { force: true });
      this.systemctl('daemon-reload');
      if (disabled.code !== 0) throw new Error(describeFailure('systemctl', ['disable', '--now', layout.serviceName], disabled));
    }
    this.runner.run('systemctl', ['reset-failed', `${layout.serviceName}.service`]);
  }

  private systemctl(...args: string[]): RunResult {
    const result = this.runner.run('systemctl', args);
    if (result.code !== 0) throw new Error(describeFailure('systemctl', args, result));
    return result;
  }
}
