import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { JobEvents as JobProtocol, type JobDispatchMessage } from '@borealis/protocol';
import { Clock } from '../../common/clock';
import { SERVER_CONFIG, type ServerConfig } from '../../config/config';
import { PresenceService } from '../devices/presence.service';
import { JobEvents } from './job-events';
import { RunStore, type DispatchableRun } from './run.store';

/**
 * Sends runs to connected agents. A run is marked `dispatched` (with a lease) before it is
 * sent; if the link dies on the way, the run is sent again when the device next says hello,
 * and the agent ignores a run id it already knows — so nothing is lost or run twice.
 */
@Injectable()
export class JobDispatcher implements OnModuleInit {
  private readonly logger = new Logger('JobDispatcher');
  /**
   * Devices that may have open runs (a superset): a reconnecting device outside it has
   * nothing pending, so a server restart with 20,000 returning agents costs no run queries.
   */
  private readonly mayHaveOpenRuns = new Set<string>();

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly store: RunStore,
    private readonly presence: PresenceService,
    private readonly events: JobEvents,
    private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const deviceId of await this.store.devicesWithOpenRuns()) this.mayHaveOpenRuns.add(deviceId);
  }

  noteOpenRuns(deviceIds: Iterable<string>): void {
    for (const deviceId of deviceIds) this.mayHaveOpenRuns.add(deviceId);
  }

  /** Lease of a dispatched run: its timeout plus a grace for the agent to report. */
  leaseFrom(start: Date, timeoutSeconds: number): Date {
    return new Date(start.getTime() + timeoutSeconds * 1000 + this.config.runLeaseGraceMs);
  }

  /** Dispatches the runs whose device is connected now; the others stay queued. */
  async dispatch(runs: readonly DispatchableRun[]): Promise<number> {
    const live = runs.filter((run) => this.presence.get(run.deviceId));
    if (live.length === 0) return 0;
    const now = this.clock.now();
    const byTimeout = new Map<number, DispatchableRun[]>();
    for (const run of live) {
      const group = byTimeout.get(run.timeoutSeconds);
      if (group) group.push(run);
      else byTimeout.set(run.timeoutSeconds, [run]);
    }
    for (const [timeoutSeconds, group] of byTimeout) {
      await this.store.transition(group.map((r) => r.id), ['queued', 'dispatched'], {
        status: 'dispatched', dispatchedAt: now, leaseExpiresAt: this.leaseFrom(now, timeoutSeconds),
      });
    }
    for (const run of live) {
      const message: JobDispatchMessage = {
        runId: run.id, jobId: run.jobId, role: run.role, payload: run.payload, timeoutSeconds: run.timeoutSeconds,
      };
      this.presence.get(run.deviceId)?.link.emit(JobProtocol.dispatch, message);
      if (run.status === 'queued') {
        this.events.emit('status', { runId: run.id, jobId: run.jobId, deviceId: run.deviceId, status: 'dispatched' });
      }
    }
    return live.length;
  }

  /** A device said hello: send what it should be running, and cancels it missed. */
  async deviceReady(deviceId: string): Promise<void> {
    if (!this.mayHaveOpenRuns.has(deviceId)) return;
    const pending = await this.store.pendingForDevice(deviceId, this.clock.now());
    if (pending.length === 0) {
      this.mayHaveOpenRuns.delete(deviceId);
      return;
    }
    const link = this.presence.get(deviceId)?.link;
    for (const run of pending.filter((r) => r.status === 'running' && r.cancelled)) {
      link?.emit(JobProtocol.cancel, { runId: run.id });
    }
    const toSend = pending.filter((r) => r.status !== 'running' && !r.cancelled);
    if (toSend.length > 0) {
      const sent = await this.dispatch(toSend);
      this.logger.log({ deviceId, runs: sent }, 'pending runs dispatched');
    }
  }

  isOnline(deviceId: string): boolean {
    return this.presence.get(deviceId) !== undefined;
  }

  cancelOnDevice(deviceId: string, runId: string): boolean {
    const live = this.presence.get(deviceId);
    live?.link.emit(JobProtocol.cancel, { runId });
    return Boolean(live);
  }
}
