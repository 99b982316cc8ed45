import { writeFileSync } from 'node:fs';
import { win32 } from 'node:path';
import { PidFile } from '../home/pid-file';
import type { InstallLayout } from './install-layout';
import { terminate, waitForExit } from './process-control';
import { describeFailure, type ProcessRunner } from './process-runner';
import type { ServiceBackend } from './service-backend';
import { encodeTaskXml, escapeXml, renderWindowsTaskXml, taskArguments } from './windows-task-xml';

export const TASK_XML_FILE = 'borealis-agent-task.xml';

/** The agent as a logon Scheduled Task (schtasks.exe); the XML is kept in home for inspection. */
export class WindowsTaskService implements ServiceBackend {
  readonly kind = 'windows-task' as const;

  constructor(
    private readonly runner: ProcessRunner,
    private readonly user?: string,
    private readonly writeFile: (path: string, data: Buffer) => void = (path, data) => writeFileSync(path, data),
  ) {}

  /** Every schtasks command line `install` runs, in order (unit-tested: there is no Windows here). */
  installCommands(layout: InstallLayout): Array<readonly string[]> {
    const xmlPath = win32.join(layout.home, TASK_XML_FILE);
    return [
      ['/Create', '/TN', layout.serviceName, '/XML', xmlPath, '/F'],
      ['/Run', '/TN', layout.serviceName],
    ];
  }

  async install(layout: InstallLayout): Promise<void> {
    await this.stop(layout);
    const xml = renderWindowsTaskXml({ binary: layout.binary, home: layout.home, ...(this.user ? { user: this.user } : {}) });
    this.writeFile(win32.join(layout.home, TASK_XML_FILE), encodeTaskXml(xml));
    for (const args of this.installCommands(layout)) this.schtasks(args);
  }

  isRegistered(layout: InstallLayout): boolean {
    return this.runner.run('schtasks', ['/Query', '/TN', layout.serviceName]).code === 0;
  }

  registrationCurrent(layout: InstallLayout): boolean {
    const query = this.runner.run('schtasks', ['/Query', '/TN', layout.serviceName, '/XML']);
    // Windows re-serializes the XML, so compare what matters: the action runs this binary with this home.
    const args = escapeXml(taskArguments({ binary: layout.binary, home: layout.home }));
    return query.code === 0 && query.stdout.includes(args);
  }

  async start(layout: InstallLayout): Promise<void> {
    if (new PidFile(layout.home).runningPid() !== undefined) return;
    this.schtasks(['/Run', '/TN', layout.serviceName]);
  }

  /** /End stops the task's conhost; the agent under it is then ended by pid if still there. */
  async stop(layout: InstallLayout): Promise<void> {
    if (this.isRegistered(layout)) this.runner.run('schtasks', ['/End', '/TN', layout.serviceName]);
    const pid = new PidFile(layout.home).runningPid();
    if (pid !== undefined && !(await waitForExit(pid, 2_000))) await terminate(pid);
  }

  async unregister(layout: InstallLayout): Promise<void> {
    await this.stop(layout);
    if (this.isRegistered(layout)) this.schtasks(['/Delete', '/TN', layout.serviceName, '/F']);
  }

  private schtasks(args: readonly string[]): void {
    const result = this.runner.run('schtasks', args);
    if (result.code !== 0) throw new Error(describeFailure('schtasks', args, result));
  }
}
