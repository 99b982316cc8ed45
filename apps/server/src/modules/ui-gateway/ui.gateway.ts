import { Logger } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { UI_NAMESPACE, UiEvents, type Ack } from '@borealis/protocol';
import { bearerToken } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { hasScope } from '../auth/scopes';
import { DeviceEvents } from '../devices/device-events';
import { JobEvents } from '../jobs/job-events';
import { UiScreenHandlers } from '../screen/ui-screen.handlers';
import { TokensService } from '../tokens/tokens.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
type AckFn = (response: Ack<Record<string, unknown>>) => void;

/**
 * The `/ui` namespace: live updates for consoles and integrations. The client authenticates
 * with an API token (`auth: {token}` or an `Authorization: Bearer` header) holding
 * `devices:read`, `jobs:read` or `screen:read`. Device presence goes to `devices:read` holders; run
 * status and output of a job go to the clients that subscribed to it (`job.subscribe`, `jobs:read`);
 * live screens to the viewers of a device (`screen.watch`, `screen:read`, see {@link UiScreenHandlers}).
 */
@WebSocketGateway({ namespace: UI_NAMESPACE })
export class UiGateway implements OnGatewayInit<Namespace>, OnGatewayConnection<Socket> {
  private readonly logger = new Logger('UiGateway');

  constructor(
    private readonly tokens: TokensService,
    private readonly devices: DeviceEvents,
    private readonly jobs: JobEvents,
    private readonly screen: UiScreenHandlers,
  ) {}

  afterInit(namespace: Namespace): void {
    namespace.use((socket, next) => {
      const auth = (socket.handshake.auth ?? {}) as { token?: unknown };
      const token = typeof auth.token === 'string' ? auth.token : bearerToken(socket.handshake.headers.authorization);
      if (!token) return next(new Error('unauthorized'));
      this.tokens.authenticate(token, socket.handshake.address).then(
        (principal) => {
          if (!(['devices:read', 'jobs:read', 'screen:read'] as const).some((scope) => hasScope(principal.scopes, scope))) return next(new Error('forbidden'));
          socket.data = { principal };
          if (hasScope(principal.scopes, 'devices:read')) void socket.join('devices');
          next();
        },
        () => next(new Error('unauthorized')),
      );
    });
    this.devices.on('online', (event) => namespace.to('devices').emit(UiEvents.deviceOnline, event));
    this.devices.on('offline', (event) => namespace.to('devices').emit(UiEvents.deviceOffline, event));
    this.devices.on('updated', (event) => namespace.to('devices').emit(UiEvents.deviceUpdated, event));
    // Only jobs someone watches are encoded: a 10,000-device fan-out makes 30,000 status events.
    const toJob = (jobId: string, event: string, payload: unknown) => {
      const room = `job:${jobId}`;
      if (namespace.adapter.rooms.has(room)) namespace.to(room).emit(event, payload);
    };
    this.jobs.on('status', (event) => toJob(event.jobId, UiEvents.runStatus, event));
    this.jobs.on('output', (event) => toJob(event.jobId, UiEvents.runOutput, event));
    this.logger.log('ui namespace ready');
  }

  handleConnection(socket: Socket): void {
    const principal = (socket.data as { principal: Principal }).principal;
    socket.on(UiEvents.jobSubscribe, (payload: unknown, ack: unknown) => {
      const reply = typeof ack === 'function' ? (ack as AckFn) : undefined;
      const jobId = (payload as { jobId?: unknown } | null)?.jobId;
      if (typeof jobId !== 'string' || !UUID.test(jobId)) return reply?.({ ok: false, code: 'bad_message', message: 'jobId must be a uuid' });
      if (!hasScope(principal.scopes, 'jobs:read')) return reply?.({ ok: false, code: 'missing_scope', message: 'needs jobs:read' });
      void socket.join(`job:${jobId}`);
      reply?.({ ok: true });
    });
    this.screen.attach(socket, principal);
    socket.on(UiEvents.jobUnsubscribe, (payload: unknown, ack: unknown) => {
      const jobId = (payload as { jobId?: unknown } | null)?.jobId;
      if (typeof jobId === 'string') void socket.leave(`job:${jobId}`);
      if (typeof ack === 'function') (ack as AckFn)({ ok: true });
    });
  }
}
