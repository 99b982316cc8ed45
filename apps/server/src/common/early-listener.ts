import { createServer, type Server, type Socket } from 'node:net';
import type { Server as HttpServer } from 'node:http';

/** Held connections handed to the HTTP server per event-loop turn, so timers and I/O keep running. */
const RELEASE_CHUNK = 200;

/**
 * Owns the server's port from the first milliseconds of the process, before Nest and its
 * modules load (1.5 s idle; 5 s while a reconnecting fleet takes the CPU).
 *
 * Why: after a restart every agent retries with exponential backoff. A port that refuses
 * connections during the boot pushes each agent one or two backoff steps further (up to 8-16 s
 * of extra wait), and 19,500 refused attempts per second cost CPU the boot itself needs. Held
 * instead, an agent's connect waits in place (its 20 s handshake timeout covers the boot) and
 * is served as soon as the application is ready.
 *
 * Connections that arrive before the hand-over are accepted paused (nothing is read) and kept;
 * {@link handOver} gives the listening socket itself to the HTTP server (same handle, no
 * second bind) and then feeds it the held connections, as a fresh connection would be.
 */
export class EarlyListener {
  private readonly held = new Set<Socket>();
  private target: HttpServer | undefined;

  private constructor(readonly server: Server) {
    server.on('connection', (socket) => this.hold(socket));
  }

  static open(port: number, host: string, backlog: number): Promise<EarlyListener> {
    const server = createServer({ pauseOnConnect: true });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host, backlog }, () => {
        server.off('error', reject);
        resolve(new EarlyListener(server));
      });
    });
  }

  /** Connections accepted and waiting for the application. */
  get waiting(): number {
    return this.held.size;
  }

  /**
   * `listenOnHandle` must make `http` listen on {@link server} (Nest's `app.listen(server,
   * backlog)`): from then on the kernel's new connections go straight to the HTTP server.
   * Resolves once every held connection has been handed over.
   */
  async handOver(http: HttpServer, listenOnHandle: () => Promise<unknown>): Promise<number> {
    await listenOnHandle();
    this.target = http;
    const sockets = [...this.held];
    this.held.clear();
    let released = 0;
    for (let i = 0; i < sockets.length; i += RELEASE_CHUNK) {
      for (const socket of sockets.slice(i, i + RELEASE_CHUNK)) if (this.release(socket)) released++;
      await new Promise((r) => setImmediate(r));
    }
    return released;
  }

  private hold(socket: Socket): void {
    // A late 'connection' from the old owner (already queued when the handle moved) is passed on.
    if (this.target) {
      this.release(socket);
      return;
    }
    this.held.add(socket);
    // A client that gives up while held must not leak its socket until the hand-over.
    socket.once('close', () => this.held.delete(socket));
    socket.on('error', () => socket.destroy());
  }

  private release(socket: Socket): boolean {
    if (socket.destroyed) return false;
    socket.removeAllListeners('error');
    this.target!.emit('connection', socket);
    socket.resume();
    return true;
  }
}
