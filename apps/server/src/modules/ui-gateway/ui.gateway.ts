import { Logger } from '@nestjs/common';
import { OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { Namespace } from 'socket.io';
import { UI_NAMESPACE, UiEvents } from '@borealis/protocol';
import { bearerToken } from '../auth/auth.guard';
import { hasScope } from '../auth/scopes';
import { DeviceEvents } from '../devices/device-events';
import { TokensService } from '../tokens/tokens.service';

/**
 * The `/ui` namespace: live updates for consoles and integrations. The client authenticates
 * with an API token (`auth: {token}` or an `Authorization: Bearer` header) holding
 * `devices:read`; device presence changes are pushed to every such client.
 */
@WebSocketGateway({ namespace: UI_NAMESPACE })
export class UiGateway implements OnGatewayInit<Namespace> {
  private readonly logger = new Logger('UiGateway');

  constructor(
    private readonly tokens: TokensService,
    private readonly events: DeviceEvents,
  ) {}

  afterInit(namespace: Namespace): void {
    namespace.use((socket, next) => {
      const auth = (socket.handshake.auth ?? {}) as { token?: unknown };
      const token = typeof auth.token === 'string' ? auth.token : bearerToken(socket.handshake.headers.authorization);
      if (!token) return next(new Error('unauthorized'));
      this.tokens.authenticate(token, socket.handshake.address).then(
        (principal) => {
          if (!hasScope(principal.scopes, 'devices:read')) return next(new Error('forbidden'));
          socket.data = { principal };
          void socket.join('devices');
          next();
        },
        () => next(new Error('unauthorized')),
      );
    });
    this.events.on('online', (event) => namespace.to('devices').emit(UiEvents.deviceOnline, event));
    this.events.on('offline', (event) => namespace.to('devices').emit(UiEvents.deviceOffline, event));
    this.events.on('updated', (event) => namespace.to('devices').emit(UiEvents.deviceUpdated, event));
    this.logger.log('ui namespace ready');
  }
}
