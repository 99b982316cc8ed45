import { Injectable, Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { parseMessage, ScreenEvents, screenFrameSchema, type Ack, type ScreenFrameAck } from '@borealis/protocol';
import { PresenceService } from '../devices/presence.service';
import { AgentMetrics } from '../metrics/agent-metrics';
import { DesktopAgent } from '../screen/desktop-agent';
import { ScreenStreams } from '../screen/screen-streams.service';

type AckFn = (response: Ack<Record<string, unknown>>) => void;

/**
 * `screen.frame` of one agent link; when the link closes, its live streams end and screenshot or
 * macro requests waiting on it fail at once.
 */
@Injectable()
export class AgentScreenListener {
  private readonly logger = new Logger('AgentScreen');

  static readonly events: string[] = [ScreenEvents.frame];

  constructor(
    private readonly streams: ScreenStreams,
    private readonly desktop: DesktopAgent,
    private readonly presence: PresenceService,
    private readonly metrics: AgentMetrics,
  ) {}

  attach(socket: Socket, deviceId: string, asAck: (candidate: unknown) => AckFn | undefined): void {
    socket.on(ScreenEvents.frame, (payload: unknown, ack: unknown) => {
      const reply = asAck(ack);
      const parsed = parseMessage(screenFrameSchema, payload);
      if (!parsed.ok) {
        this.metrics.badMessages.inc({ event: ScreenEvents.frame });
        this.logger.warn({ deviceId, details: parsed.details }, 'malformed screen frame dropped');
        return reply?.(parsed);
      }
      this.streams.onFrame(deviceId, parsed.value, reply as ((ack: ScreenFrameAck) => void) | undefined);
    });
    socket.on('disconnect', () => {
      // A newer link of the same agent may already be registered: the old stream still ends, its viewers may watch again.
      const current = this.presence.get(deviceId);
      this.streams.linkClosed(deviceId, socket, current && current.link !== socket ? 'agent_reconnected' : 'device_offline');
      this.desktop.linkClosed(socket);
    });
  }
}
