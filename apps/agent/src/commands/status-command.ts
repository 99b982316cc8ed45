import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadAgentConfig, resolveHome, type ConfigFlags } from '../config/agent-config';
import { CredentialsStore } from '../home/credentials-store';
import { PidFile } from '../home/pid-file';
import { AGENT_VERSION } from '../platform';
import { backendOfKind } from '../service/backend-selection';
import { installLayout } from '../service/install-layout';
import { INSTALL_FILE, readInstallRecord } from '../service/install-record';
import { runningSeaBinary } from './service-commands';

export interface AgentStatus {
  home: string;
  running: boolean;
  pid?: number;
  enrolled: boolean;
  /** install.json present: `install` set this home up (binary copy + service registration). */
  installed: boolean;
  /** How it is kept running: systemd, launch, windows-task. */
  service?: string;
  /** The unit / task exists (launch: always true). */
  registered?: boolean;
  agentId?: string;
  serverUrl?: string;
  version: string;
  problems: string[];
}

/** Reads the home folder only; never the secret beyond checking it exists. */
export function readStatus(flags: Pick<ConfigFlags, 'home'>): AgentStatus {
  // The installed binary reports on its own home by default.
  const sea = runningSeaBinary();
  const home = resolveHome(flags, process.env, process.cwd(), sea && existsSync(join(dirname(sea), INSTALL_FILE)) ? dirname(sea) : undefined);
  const problems: string[] = [];
  const status: AgentStatus = { home, running: false, enrolled: false, installed: false, version: AGENT_VERSION, problems };
  const record = readInstallRecord(home);
  if (record) {
    const registered = backendOfKind(record.service).isRegistered(installLayout(home));
    Object.assign(status, { installed: true, service: record.service, registered });
    if (!registered) problems.push(`the ${record.service} registration is missing: run repair`);
  }
  const pid = new PidFile(home).runningPid();
  if (pid !== undefined) Object.assign(status, { running: true, pid });
  try {
    const credentials = new CredentialsStore(home).load();
    if (credentials) Object.assign(status, { enrolled: true, agentId: credentials.agentId, serverUrl: credentials.serverUrl });
  } catch (err) {
    problems.push((err as Error).message);
  }
  try {
    const config = loadAgentConfig({ flags: { home }, requireServer: false });
    if (config.serverUrl) status.serverUrl = config.serverUrl;
  } catch (err) {
    problems.push((err as Error).message);
  }
  return status;
}

/** `borealis-agent status`: exit code 0 when running, 3 when not (LSB convention for status). */
export function statusCommand(flags: Pick<ConfigFlags, 'home'> & { json?: boolean }): number {
  const status = readStatus(flags);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
  } else {
    const lines = [
      `home:     ${status.home}`,
      `running:  ${status.running ? `yes (pid ${status.pid})` : 'no'}`,
      `enrolled: ${status.enrolled ? `yes (agent ${status.agentId})` : 'no'}`,
      `installed: ${status.installed ? `yes (${status.service}${status.registered ? '' : ', registration missing'})` : 'no'}`,
      `server:   ${status.serverUrl ?? '(not configured)'}`,
      `version:  ${status.version}`,
      ...status.problems.map((p) => `problem:  ${p}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return status.running ? 0 : 3;
}
