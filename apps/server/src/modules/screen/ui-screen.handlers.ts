import { Injectable, Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { parseMessage, screenWatchRequestSchema, UiScreenEvents, type Ack } from '@borealis/protocol';
import { toAck } from '../../common/ack';
import { DomainError } from '../../common/errors';
import type { Principal } from '../auth/principal';
import { hasScope } from '../auth/scopes';
import { ScreenStreams } from './screen-streams.service';

type AckFn = (response: Ack<Record<string, unknown>>) => void;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The live-screen events of one `/ui` socket (`screen.watch`, `screen.unwatch`), registered by
 * the gateway on connect. The scope is checked per event, like `job.subscribe`: a token without
 * `screen:read` may hold the socket for device presence but gets an error ack here.
 */
@Injectable()
export class UiScreenHandlers {
  private readonly logger = new Logger('UiScreen');

  constructor(private readonly streams: ScreenStreams) {}

  attach(socket: Socket, principal: Principal): void {
    socket.on(UiScreenEvents.watch, (payload: unknown, ack: unknown) => {
      const reply = asAck(ack);
      if (!hasScope(principal.scopes, 'screen:read')) return reply?.({ ok: false, code: 'missing_scope', message: 'needs screen:read' });
      const parsed = parseMessage(screenWatchRequestSchema, payload);
      if (!parsed.ok) return reply?.(parsed);
      this.streams.watch(socket, principal, parsed.value).then(
        (answer) => reply?.(answer),
        (error: unknown) => {
          if (!(error instanceof DomainError)) this.logger.error({ err: error }, 'screen.watch failed');
          reply?.(toAck(error));
        },
      );
    });
    socket.on(UiScreenEvents.unwatch, (payload: unknown, ack: unknown) => {
      const reply = asAck(ack);
      const deviceId = (payload as { deviceId?: unknown } | null)?.deviceId;
      if (typeof deviceId !== 'string' || !UUID.test(deviceId)) return reply?.({ ok: false, code: 'bad_message', message: 'deviceId must be a uuid' });
      this.streams.unwatch(socket.id, deviceId, 'unwatched').then(
        () => reply?.({ ok: true }),
        (error: unknown) => {
          this.logger.error({ err: error, deviceId }, 'screen.unwatch failed');
          reply?.(toAck(error));
        },
      );
    });
    socket.on('disconnect', () => this.streams.viewerGone(socket.id));
  }
}

function asAck(candidate: unknown): AckFn | undefined {
  return typeof candidate === 'function' ? (candidate as AckFn) : undefined;
}
