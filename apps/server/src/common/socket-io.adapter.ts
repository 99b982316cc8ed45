import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
import { MAX_AGENT_MESSAGE_BYTES, MAX_IMAGE_BYTES } from '@borealis/protocol';
import type { ServerConfig } from '../config/config';

/**
 * One Socket.IO server for every namespace, tuned for many long-lived agent links: websocket
 * only (no long-polling upgrade dance), no per-message deflate (it costs ~235 KB per
 * connection and 2x CPU), and a slower transport ping since the application heartbeat
 * already detects dead links.
 */
export class TunedSocketIoAdapter extends IoAdapter {
  constructor(app: INestApplicationContext, private readonly config: ServerConfig) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    return super.createIOServer(port, {
      ...options,
      transports: ['websocket'],
      perMessageDeflate: false,
      httpCompression: false,
      pingInterval: this.config.socketPingIntervalMs,
      pingTimeout: this.config.socketPingTimeoutMs,
      // A job result carries up to 1 MiB per stream, JSON-escaped: see MAX_RESULT_FRAME_BYTES. A
      // screenshot or frame travels as a binary attachment, its own websocket message of up to
      // MAX_IMAGE_BYTES; a larger message would close the agent's link, not just fail the capture.
      maxHttpBufferSize: Math.max(MAX_AGENT_MESSAGE_BYTES, MAX_IMAGE_BYTES + 64 * 1024),
      connectTimeout: 20_000,
      serveClient: false,
    } as ServerOptions) as Server;
  }
}
