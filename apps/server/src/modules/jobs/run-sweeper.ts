import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { RunStatus } from '@borealis/protocol';
import { Clock } from '../../common/clock';
import { SERVER_CONFIG, type ServerConfig } from '../../config/config';
import { JobEvents } from './job-events';
import { RunStore } from './run.store';

/**
 * No run waits or runs forever: queued runs past their job's expiry end `expired`; dispatched
 * or running runs past their lease (timeout + grace) without a result end `failed` as lost.
 */
@Injectable()
export class RunSweeper implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('RunSweeper');
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly store: RunStore,
    private readonly events: JobEvents,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.runSweepMs);
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.end(['queued'], 'expired', 'the device did not come online before the job expired');
      await this.end(['dispatched', 'running'], 'failed', 'lost: no result from the agent within the timeout plus grace');
    } catch (error) {
      this.logger.error({ err: error }, 'run sweep failed');
    } finally {
      this.running = false;
    }
  }

  private async end(from: RunStatus[], status: RunStatus, error: string): Promise<void> {
    const now = this.clock.now();
    const due = await this.store.leaseExpired(from, now);
    if (due.length === 0) return;
    for (const state of from) {
      const ids = due.filter((r) => r.status === state).map((r) => r.id);
      if (ids.length > 0) await this.store.transition(ids, [state], { status, error, finishedAt: now, leaseExpiresAt: null });
    }
    for (const run of due) this.events.emit('status', { runId: run.id, jobId: run.jobId, deviceId: run.deviceId, status, error });
    this.logger.warn({ runs: due.length, status }, 'runs ended by the sweeper');
  }
}
