import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { it } from 'node:test';
import { EarlyListener } from './early-listener';

/** Sends a raw GET on an open socket and resolves with the whole answer once the server closes it. */
function get(socket: Socket, path: string): Promise<string> {
  let answer = '';
  socket.on('data', (b: Buffer) => { answer += b.toString(); });
  socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  return new Promise((resolve, reject) => {
    socket.once('close', () => resolve(answer));
    socket.once('error', reject);
  });
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

it('holds connections (more than one release chunk) until the HTTP server takes over the port, then serves them all', async () => {
  const early = await EarlyListener.open(0, '127.0.0.1', 1024);
  const port = (early.server.address() as AddressInfo).port;
  const held = await Promise.all(Array.from({ length: 450 }, () => open(port)));
  const answers = held.map((s, i) => get(s, `/held/${i}`));
  await new Promise((r) => setTimeout(r, 100)); // requests are written; nobody reads them yet
  assert.equal(early.waiting, 450);

  const http: HttpServer = createHttpServer((req, res) => res.end(`served ${req.url}`));
  const released = await early.handOver(http, () => new Promise<void>((r) => http.listen(early.server, 1024, r)));
  assert.equal(released, 450);
  const bodies = await Promise.all(answers);
  bodies.forEach((body, i) => assert.match(body, new RegExp(`^HTTP/1\\.1 200[\\s\\S]*served /held/${i}$`)));

  // New connections now reach the HTTP server directly, on the same port.
  assert.equal((http.address() as AddressInfo).port, port);
  assert.match(await get(await open(port), '/after'), /served \/after$/);
  assert.equal(early.waiting, 0);
  await new Promise((r) => http.close(r));
});

it('a held connection whose client gave up does not disturb the others', async () => {
  const early = await EarlyListener.open(0, '127.0.0.1', 64);
  const port = (early.server.address() as AddressInfo).port;
  const quitter = await open(port);
  const stayer = await open(port);
  const answer = get(stayer, '/stayed');
  quitter.destroy();
  await new Promise((r) => setTimeout(r, 100));
  const http = createHttpServer((req, res) => res.end(`served ${req.url}`));
  await early.handOver(http, () => new Promise<void>((r) => http.listen(early.server, 64, r)));
  assert.match(await answer, /served \/stayed$/);
  await new Promise((r) => http.close(r));
});

it('reports a taken port instead of holding anything', async () => {
  const first = await EarlyListener.open(0, '127.0.0.1', 16);
  const port = (first.server.address() as AddressInfo).port;
  await assert.rejects(EarlyListener.open(port, '127.0.0.1', 16), /EADDRINUSE/);
  await new Promise((r) => first.server.close(r));
});
