/**
 * A real agent process for specs that must kill it (SIGKILL mid-run): the Agent class with the
 * job test roles, logging JSON to stderr and printing `online` on stdout when connected.
 * Usage: node dist/testing/job-agent-child.js <serverUrl> <home>
 */
import pino from 'pino';
import { Agent } from '../agent';
import { createJobTestRegistry } from './job-test-roles';

const [serverUrl, home] = process.argv.slice(2);
if (!serverUrl || !home) {
  process.stderr.write('usage: job-agent-child <serverUrl> <home>\n');
  process.exit(2);
}
const agent = new Agent({
  serverUrl,
  home,
  logger: pino({ level: 'info' }, pino.destination(2)),
  registry: createJobTestRegistry(),
  backoff: { baseMs: 20, capMs: 200 },
  ackTimeoutMs: 1_000,
  jobs: { outputFlushMs: 20 },
});
agent.on('online', () => process.stdout.write('online\n'));
agent.on('fatal', () => process.exit(1));
process.on('SIGTERM', () => void agent.stop().then(() => process.exit(0)));
void agent.start();
