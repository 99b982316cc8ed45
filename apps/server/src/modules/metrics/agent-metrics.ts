import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

/** Prometheus metrics of the server: agent links, heartbeats, refusals, plus Node's defaults. */
@Injectable()
export class AgentMetrics implements OnModuleDestroy {
  readonly registry = new Registry();
  readonly connected = new Gauge({ name: 'borealis_agents_connected', help: 'agents with a live link', registers: [this.registry] });
  readonly heartbeats = new Counter({ name: 'borealis_heartbeats_total', help: 'heartbeats received', registers: [this.registry] });
  readonly heartbeatRate = new Gauge({ name: 'borealis_heartbeats_per_second', help: 'heartbeats per second over the last 10 s', registers: [this.registry] });
  readonly refused = new Counter({ name: 'borealis_agent_handshakes_refused_total', help: 'agent connections refused', labelNames: ['reason'], registers: [this.registry] });
  readonly badMessages = new Counter({ name: 'borealis_agent_bad_messages_total', help: 'malformed agent messages dropped', labelNames: ['event'], registers: [this.registry] });
  private readonly rateTimer: NodeJS.Timeout;
  private lastCount = 0;

  constructor() {
    // Includes nodejs_eventloop_lag_seconds and process_resident_memory_bytes.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
    this.rateTimer = setInterval(() => void this.sampleRate(), 10_000);
    this.rateTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.rateTimer);
  }

  private async sampleRate(): Promise<void> {
    const total = (await this.heartbeats.get()).values[0]?.value ?? 0;
    this.heartbeatRate.set((total - this.lastCount) / 10);
    this.lastCount = total;
  }
}
