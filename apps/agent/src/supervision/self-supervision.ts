import type { Logger } from 'pino';
import { CrashLoopGuard, fileStartsStore, type StartDecision } from './crash-loop-guard';
import { HealthMonitor, type UnhealthyReport } from './health-monitor';
import { realHealthProbes } from './health-probes';
import type { SupervisionConfig } from './supervision-config';

/** Exit code of an agent that stopped itself as unhealthy (EX_SOFTWARE): Restart=always / the task restarts it. */
export const EXIT_UNHEALTHY = 70;

/** What `run` wires together: crash-loop back-off before the start, health checks after it. */
export class SelfSupervision {
  private monitor: HealthMonitor | undefined;
  private probes: ReturnType<typeof realHealthProbes> | undefined;

  constructor(
    private readonly config: SupervisionConfig,
    private readonly home: string,
    private readonly logger: Logger,
  ) {}

  /** Records this start; a delay > 0 means the service manager is restarting us in a loop. */
  recordStart(now: () => number = Date.now): StartDecision {
    const decision = new CrashLoopGuard(this.config, fileStartsStore(this.home), now).recordStart();
    if (decision.delayMs > 0) {
      this.logger.warn(
        { recentStarts: decision.recentStarts, windowMinutes: this.config.crashLoopWindowMs / 60_000, delayMs: decision.delayMs },
        'restarted too often: crash-loop back-off before starting (see the previous process\'s last log lines for why it stopped)',
      );
    }
    return decision;
  }

  /** Starts the lag and memory checks; `onUnhealthy` is called once, after the reason is logged. */
  startMonitor(onUnhealthy: (report: UnhealthyReport) => void): void {
    this.probes = realHealthProbes();
    this.monitor = new HealthMonitor(
      this.config,
      this.probes,
      { now: () => performance.now(), setInterval: (fn, ms) => setInterval(fn, ms), clearInterval: (h) => clearInterval(h as NodeJS.Timeout) },
      (report) => {
        this.logger.error({ kind: report.kind, value: report.value, limit: report.limit, sustainedMs: report.sustainedMs },
          `agent unhealthy: ${report.reason}; exiting for the service manager to restart it`);
        onUnhealthy(report);
      },
    );
    this.monitor.start();
  }

  stop(): void {
    this.monitor?.stop();
    this.probes?.close();
  }
}
