// Baseline for the agent idle benchmark: the least a Node process can do to stay connected —
// socket.io-client, hello, heartbeats at the server's interval, nothing else.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { io } = require('socket.io-client');

const [url, agentId, secret] = process.argv.slice(2);
const socket = io(`${url}/agents`, { transports: ['websocket'], auth: { agentId, secret, protocolVersion: 1 } });
let timer;
let seq = 0;
socket.on('connect', async () => {
  const ack = await socket.emitWithAck('agent.hello', {
    hostname: 'bare-baseline', os: 'linux', osVersion: '', arch: process.arch, agentVersion: 'bare', protocolVersion: 1, roles: [],
  });
  clearInterval(timer);
  timer = setInterval(() => socket.emit('agent.heartbeat', { seq: seq++, sentAt: Date.now(), metrics: {} }, () => {}), ack.heartbeatIntervalMs);
});
process.on('SIGTERM', () => process.exit(0));
