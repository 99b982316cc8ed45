import { Injectable } from '@nestjs/common';
import { PresenceService } from './presence.service';

export type AgentAnswer = { status: 'answered'; ack: unknown } | { status: 'offline' } | { status: 'timeout' };

/**
 * Asks a connected agent something and waits for its ack. A link that drops meanwhile simply
 * never answers, so the timeout covers it too. Injected so the service is tested without sockets.
 */
@Injectable()
export class AgentRequester {
  constructor(private readonly presence: PresenceService) {}

  request(deviceId: string, event: string, payload: unknown, timeoutMs: number): Promise<AgentAnswer> {
    const live = this.presence.get(deviceId);
    if (!live) return Promise.resolve({ status: 'offline' });
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ status: 'timeout' }), timeoutMs);
      live.link.emit(event, payload, (ack: unknown) => {
        clearTimeout(timer);
        resolve({ status: 'answered', ack });
      });
    });
  }
}
