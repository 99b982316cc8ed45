/**
 * Process entry of the bare echo server, so the benchmark can measure its CPU and RSS alone:
 * `node echo-server-main.js --port P --heartbeat-ms M --ping-interval-ms I --ping-timeout-ms T`.
 * Prints one JSON line `{"listening":port}` when ready.
 */
import { parseArgs } from 'node:util';
import { ECHO_DEFAULTS, startEchoServer } from './echo-server';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: ECHO_DEFAULTS.host },
      'heartbeat-ms': { type: 'string', default: String(ECHO_DEFAULTS.heartbeatIntervalMs) },
      'ping-interval-ms': { type: 'string', default: String(ECHO_DEFAULTS.pingIntervalMs) },
      'ping-timeout-ms': { type: 'string', default: String(ECHO_DEFAULTS.pingTimeoutMs) },
    },
  });
  const server = await startEchoServer({
    port: Number(values.port),
    host: values.host,
    heartbeatIntervalMs: Number(values['heartbeat-ms']),
    pingIntervalMs: Number(values['ping-interval-ms']),
    pingTimeoutMs: Number(values['ping-timeout-ms']),
  });
  process.stdout.write(`${JSON.stringify({ listening: server.port })}\n`);
  const shutdown = (): void => {
    void server.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 3_000).unref();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`echo server failed: ${String(err)}\n`);
  process.exit(1);
});
