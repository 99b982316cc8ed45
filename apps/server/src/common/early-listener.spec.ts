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

/** Resolves when the server side closes the socket (the client sees an end or a reset). */
function closedByServer(socket: Socket): Promise<void> {
  socket.on('error', () => undefined);
  socket.resume();
  return new Promise((resolve) => socket.once('close', () => resolve()));
}

it('holds at most maxHeld connections and closes the ones beyond at once', async () => {
  const early = await EarlyListener.open(0, '127.0.0.1', 64, { maxHeld: 3 });
  const port = (early.server.address() as AddressInfo).port;
  const sockets: Socket[] = [];
  for (let i = 0; i < 5; i++) sockets.push(await open(port));
  await Promise.all(sockets.slice(3).map(closedByServer)); // the 4th and 5th: closed, not held
  assert.equal(early.waiting, 3);
  assert.equal(early.closedUnserved, 2);
  const answers = sockets.slice(0, 3).map((s, i) => get(s, `/kept/${i}`));
  const http = createHttpServer((req, res) => res.end(`served ${req.url}`));
  await early.handOver(http, () => new Promise<void>((r) => http.listen(early.server, 64, r)));
  (await Promise.all(answers)).forEach((body, i) => assert.match(body, new RegExp(`served /kept/${i}$`)));
  await new Promise((r) => http.close(r));
});

it('closes a connection held longer than maxHoldMs (its client gave up long ago)', async () => {
  const early = await EarlyListener.open(0, '127.0.0.1', 64, { maxHoldMs: 300 });
  const port = (early.server.address() as AddressInfo).port;
  const stale = await open(port);
  const closed = closedByServer(stale);
  const startedAt = Date.now();
  await closed;
  const heldMs = Date.now() - startedAt;
  assert.ok(heldMs >= 250 && heldMs < 5_000, `closed after ${heldMs} ms`);
  assert.equal(early.waiting, 0);
  assert.equal(early.closedUnserved, 1);
  // A connection that arrives later is held and served as usual.
  const fresh = await open(port);
  const answer = get(fresh, '/fresh');
  const http = createHttpServer((req, res) => res.end(`served ${req.url}`));
  await early.handOver(http, () => new Promise<void>((r) => http.listen(early.server, 64, r)));
  assert.match(await answer, /served \/fresh$/);
  await new Promise((r) => http.close(r));
});

it('reports a taken port instead of holding anything', async () => {
  const first = await EarlyListener.open(0, '127.0.0.1', 16);
  const port = (first.server.address() as AddressInfo).port;
  await assert.rejects(EarlyListener.open(port, '127.0.0.1', 16), /EADDRINUSE/);
  await new Promise((r) => first.server.close(r));
});
