#!/usr/bin/env node
import { Command } from 'commander';
import { PROTOCOL_VERSION } from '@borealis/protocol';
import { runDesktopWorker } from '@borealis/roles';
import { runCommand } from './commands/run-command';
import { registerServiceCommands } from './commands/service-commands';
import { statusCommand } from './commands/status-command';
import { AGENT_VERSION } from './platform';

/** The `borealis-agent` command line; exported so the single-binary entry can reuse it. */
export function buildProgram(): Command {
  const program = new Command('borealis-agent')
    .description('Borealis agent: keeps a live connection to the control plane and hosts roles')
    .version(AGENT_VERSION, '-V, --version', 'print the agent version');

  program
    .command('run')
    .description('run the agent in the foreground until SIGINT/SIGTERM')
    .option('--server <url>', 'server URL, e.g. http://127.0.0.1:5000 (env BOREALIS_SERVER_URL)')
    .option('--enrollment-token <token>', 'one-time enrollment token (env BOREALIS_ENROLLMENT_TOKEN)')
    .option('--home <dir>', 'home folder for credentials, config and logs (env BOREALIS_AGENT_HOME, default ./.agent-home)')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env BOREALIS_LOG_LEVEL, default info)')
    .option('--tray <mode>', 'tray icon: auto|on|off (env BOREALIS_TRAY, config.json "tray"; default auto: only in a desktop session)')
    .action(async (opts: { server?: string; enrollmentToken?: string; home?: string; logLevel?: string; tray?: string }) => {
      await runCommand(opts);
    });

  program
    .command('status')
    .description('show whether an agent runs with this home folder and whether it is enrolled (exit 0 running, 3 not)')
    .option('--home <dir>', 'home folder (env BOREALIS_AGENT_HOME, default ./.agent-home)')
    .option('--json', 'print JSON')
    .action((opts: { home?: string; json?: boolean }) => {
      process.exitCode = statusCommand(opts);
    });

  program
    .command('version')
    .description('print the agent and protocol versions')
    .action(() => {
      process.stdout.write(`borealis-agent ${AGENT_VERSION} (protocol ${PROTOCOL_VERSION}, node ${process.version})\n`);
    });

  // Started by the screenshot and macro roles as a child process: the screen library it loads can
  // crash the process (segfault without a display), which must never take the agent down.
  program
    .command('desktop-worker', { hidden: true })
    .description('internal: screen capture and keyboard worker for the screenshot and macro roles')
    .action(() => {
      runDesktopWorker();
    });

  registerServiceCommands(program);
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      process.stderr.write(`borealis-agent: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}
