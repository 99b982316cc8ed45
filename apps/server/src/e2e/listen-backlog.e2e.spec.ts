import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, it } from 'node:test';
import { TestServer } from '../testing/server-process';

// A fleet reconnecting after a restart overflows Node's default accept queue (511): the kernel
// drops handshakes and each dropped agent waits out a TCP retransmit. The server asks for a
// larger queue; for a listening socket `ss` reports that queue's size in Send-Q.
const servers: TestServer[] = [];
after(async () => {
  for (const s of servers) await s.stop();
});

function listenQueue(port: number): number {
  const line = execFileSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' }).trim();
  const sendQ = Number(line.split(/\s+/)[2]);
  assert.ok(Number.isInteger(sendQ), `unexpected ss output: ${line}`);
  return sendQ;
}

it('listens with the largest accept queue the kernel allows by default, and with BOREALIS_LISTEN_BACKLOG when set', async () => {
  const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
  const byDefault = await TestServer.start();
  servers.push(byDefault);
  assert.equal(listenQueue(byDefault.port), Math.min(65_535, somaxconn));
  assert.ok(listenQueue(byDefault.port) > 511, 'larger than Node\'s default');

  const configured = await TestServer.start({ env: { BOREALIS_LISTEN_BACKLOG: '1000' } });
  servers.push(configured);
  assert.equal(listenQueue(configured.port), Math.min(1000, somaxconn));
});
