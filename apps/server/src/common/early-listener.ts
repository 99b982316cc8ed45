import type { Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Held connections handed to the HTTP server per event-loop turn, so timers and I/O keep running. */
const RELEASE_CHUNK = 200;

export interface HoldLimits {
  /**
   * Connections held at once; more are closed at once (their agents retry with backoff). Each
   * held connection is a file descriptor, and a boot that waits long (a database that is down)
   * must not run the process out of them. Default 8,192: a 19,500-agent restart holds ~1,100.
   */
  maxHeld: number;
  /**
   * A connection held this long is closed: its client gave up already (the agent's handshake
   * timeout is 20 s) and, paused, it would not even notice the close. Default 30 s.
   */
  maxHoldMs: number;
}

const DEFAULT_LIMITS: HoldLimits = { maxHeld: 8_192, maxHoldMs: 30_000 };

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
 * second bind) and then feeds it the held connections, as a fresh connection would be. A boot
 * that takes long (a database that is down) holds within {@link HoldLimits}.
 */
export class EarlyListener {
  /** Held connections and when each arrived (insertion order = age order). */
  private readonly held = new Map<Socket, number>();
  private target: HttpServer | undefined;
  private readonly sweeper: NodeJS.Timeout;
  private refused = 0;

  private constructor(readonly server: Server, private readonly limits: HoldLimits) {
    server.on('connection', (socket) => this.hold(socket));
    // Node closes connections over the cap itself, before they become sockets ('drop').
    server.maxConnections = limits.maxHeld;
    server.on('drop', () => this.refused++);
    // Accept errors (e.g. out of file descriptors) must not kill a booting server; libuv drops
    // the connection itself and the client retries.
    server.on('error', () => undefined);
    this.sweeper = setInterval(() => this.closeStale(), Math.min(5_000, limits.maxHoldMs)).unref();
  }

  static open(port: number, host: string, backlog: number, limits: Partial<HoldLimits> = {}): Promise<EarlyListener> {
    const server = createServer({ pauseOnConnect: true });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host, backlog }, () => {
        server.off('error', reject);
        resolve(new EarlyListener(server, { ...DEFAULT_LIMITS, ...limits }));
      });
    });
  }

  /** Connections accepted and waiting for the application. */
  get waiting(): number {
    return this.held.size;
  }

  /** Connections closed unserved during the boot: over {@link HoldLimits.maxHeld} or held too long. */
  get closedUnserved(): number {
    return this.refused;
  }

  /**
   * `listenOnHandle` must make `http` listen on {@link server} (Nest's `app.listen(server,
   * backlog)`): from then on the kernel's new connections go straight to the HTTP server.
   * Resolves once every held connection has been handed over.
   */
  async handOver(http: HttpServer, listenOnHandle: () => Promise<unknown>): Promise<number> {
    await listenOnHandle();
    this.target = http;
    clearInterval(this.sweeper);
    this.closeStale();
    const sockets = [...this.held.keys()];
    this.held.clear();
    let released = 0;
    for (let i = 0; i < sockets.length; i += RELEASE_CHUNK) {
      for (const socket of sockets.slice(i, i + RELEASE_CHUNK)) if (this.release(socket)) released++;
      await nextTurn();
    }
    return released;
  }

  /** Only before the hand-over: afterwards the handle's connections go to the HTTP server. */
  private hold(socket: Socket): void {
    socket.on('error', () => socket.destroy());
    this.held.set(socket, Date.now());
    socket.once('close', () => this.held.delete(socket));
  }

  private closeStale(): void {
    const oldest = Date.now() - this.limits.maxHoldMs;
    for (const [socket, since] of this.held) {
      if (since > oldest) break; // a Map iterates in insertion order: the rest are younger
      this.held.delete(socket);
      this.refused++;
      socket.destroy();
    }
  }

  private release(socket: Socket): boolean {
    if (socket.destroyed) return false;
    socket.removeAllListeners('error');
    this.target!.emit('connection', socket);
    socket.resume();
    return true;
  }
}
