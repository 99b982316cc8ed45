import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { resolveHome } from '../config/agent-config';
import { AgentInstaller, realInstallerDeps } from '../service/agent-installer';
import { AgentRemover } from '../service/agent-remover';
import { backendOfKind } from '../service/backend-selection';
import { defaultInstallHome } from '../service/install-layout';
import { INSTALL_FILE } from '../service/install-record';
import { systemdIsInit } from '../service/systemd-service';

interface ServiceFlags {
  server?: string;
  enrollmentToken?: string;
  home?: string;
  binary?: string;
  user?: string;
}

/** This executable when it is the single binary (what install copies into home); undefined from source. */
export function runningSeaBinary(): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sea = require('node:sea') as { isSea(): boolean };
    return sea.isSea() ? process.execPath : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Default home of the service commands: the folder of an installed binary running them (install.json
 * beside it), else the install home of this OS (/opt/borealis-agent, C:\Borealis\Agent).
 */
export function serviceHome(flags: { home?: string }): string {
  const sea = runningSeaBinary();
  const installedHere = sea && existsSync(join(dirname(sea), INSTALL_FILE)) ? dirname(sea) : undefined;
  return resolveHome(flags, process.env, process.cwd(), installedHere ?? defaultInstallHome());
}

const say = (line: string): void => void process.stdout.write(`borealis-agent: ${line}\n`);

async function guarded(name: string, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (err) {
    process.stderr.write(`borealis-agent ${name}: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}

function installer(flags: ServiceFlags): AgentInstaller {
  const source = flags.binary ? resolve(flags.binary) : runningSeaBinary();
  return new AgentInstaller(realInstallerDeps(process.platform, source, say, flags.user));
}

const options = (flags: ServiceFlags) => ({
  home: serviceHome(flags),
  ...(flags.server ? { serverUrl: new URL(flags.server).origin } : {}),
  ...(flags.enrollmentToken ? { enrollmentToken: flags.enrollmentToken } : {}),
  ...(flags.user ? { user: flags.user } : {}),
});

/** install | repair | launch | remove (the original system's -AgentAction). */
export function registerServiceCommands(program: Command): void {
  const homeHelp = `home folder (default: ${defaultInstallHome()}; env BOREALIS_AGENT_HOME)`;
  program
    .command('install')
    .description('copy this binary into the home folder, enroll, register the service (systemd unit / logon task) and start it')
    .requiredOption('--server <url>', 'server URL, e.g. https://borealis.example:5000')
    .option('--enrollment-token <token>', 'one-time enrollment token (not needed when already enrolled with this server)')
    .option('--home <dir>', homeHelp)
    .option('--user <domain\\user>', 'Windows: the user whose logon starts the agent (default: any user who logs on)')
    .option('--binary <path>', 'binary to install (default: this executable)')
    .action((flags: ServiceFlags) => guarded('install', async () => {
      // Say it up front instead of failing halfway with EACCES on /etc/systemd/system.
      if (process.platform === 'linux' && process.getuid?.() !== 0 && systemdIsInit().ok) {
        throw new Error('installing the systemd service needs root: run it with sudo (or use `launch` for a user-level agent)');
      }
      await installer(flags).install(options(flags));
    }));

  program
    .command('repair')
    .description('restore a broken install: binary, config, registration, process; re-enroll if the server refuses the credentials and a token is given')
    .option('--server <url>', 'server URL (default: the one in config.json)')
    .option('--enrollment-token <token>', 'token to enroll again with if the credentials are missing or refused')
    .option('--home <dir>', homeHelp)
    .option('--user <domain\\user>', 'Windows: the user whose logon starts the agent')
    .option('--binary <path>', 'binary to install (default: this executable; a newer one upgrades)')
    .action((flags: ServiceFlags) => guarded('repair', () => installer(flags).repair(options(flags))));

  program
    .command('launch')
    .description('start the agent as a detached background process (no service manager): pid file and logs in the home folder')
    .option('--server <url>', 'server URL (default: the one in config.json)')
    .option('--enrollment-token <token>', 'one-time enrollment token when not enrolled yet')
    .option('--home <dir>', homeHelp)
    .option('--binary <path>', 'binary to copy into home if none is there (default: this executable)')
    .action((flags: ServiceFlags) => guarded('launch', () => installer(flags).launch(options(flags))));

  program
    .command('remove')
    .description('stop the agent and delete its registration (unit / task), binary copy, credentials, state and logs')
    .option('--home <dir>', homeHelp)
    .action((flags: ServiceFlags) => guarded('remove', async () => {
      const remover = new AgentRemover({ platform: process.platform, say, execPath: process.execPath, ofKind: (kind) => backendOfKind(kind) });
      const { problems } = await remover.remove(serviceHome(flags));
      if (problems.length > 0) process.exitCode = 1;
    }));
}
