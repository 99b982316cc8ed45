import { InventoryEvents, inventoryCollectSchema, parseMessage, type RoleConfig } from '@borealis/protocol';
import { Role, type RoleAck, type RoleContext, type RoleInstance } from '../core';
import { spawnCommandRunner, type CommandRunner } from './command-runner';
import { InventoryCollector } from './inventory-collector';
import { collectSummary } from './summary-collector';
import { SummaryReporter } from './summary-reporter';
import { systemInformationSource, type SystemInfoSource } from './system-info-source';

export const DEFAULT_INTERVAL_SECONDS = 900;
export const MIN_INTERVAL_SECONDS = 60;

/** Side effects the role uses; specs replace them (fake commands, another OS, manual timers). */
export interface DeviceInventoryDeps {
  runner: CommandRunner;
  source: SystemInfoSource;
  now: () => number;
  setTimer: (fn: () => void, ms: number) => unknown;
  clearTimer: (handle: unknown) => void;
  /** Overrides `context.agent.os` (e.g. `windows` in specs on Linux). */
  os?: string;
  maxItems?: number;
}

const defaultDeps: DeviceInventoryDeps = {
  runner: spawnCommandRunner,
  source: systemInformationSource,
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** `intervalSeconds` from the role config: default 900, at least 60; anything but a number keeps the default. */
export function intervalFromConfig(config: RoleConfig): number {
  const raw = config.intervalSeconds;
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return DEFAULT_INTERVAL_SECONDS;
  return Math.max(MIN_INTERVAL_SECONDS, Math.round(raw));
}

/**
 * Hardware/OS summary pushed at start and on change; processes, installed software and pending
 * updates collected when the server asks (`inventory.collect`), answered in the ack.
 */
@Role({ name: 'device_inventory', contexts: ['interactive', 'system'] })
export class DeviceInventoryRole implements RoleInstance {
  private readonly deps: DeviceInventoryDeps;
  private readonly collector: InventoryCollector;
  private readonly reporter: SummaryReporter;
  private intervalSeconds: number | undefined;

  constructor(private readonly context: RoleContext, deps: Partial<DeviceInventoryDeps> = {}) {
    this.deps = { ...defaultDeps, ...deps };
    const { runner, source, now, maxItems } = this.deps;
    this.collector = new InventoryCollector({
      os: this.deps.os ?? context.agent.os, agentVersion: context.agent.version, runner, source, now, signal: context.signal, maxItems,
    });
    this.reporter = new SummaryReporter({
      collect: () => collectSummary(source, context.agent.version),
      emit: (event, payload) => context.emit(event, payload),
      now,
      logger: context.logger,
      setTimer: this.deps.setTimer,
      clearTimer: this.deps.clearTimer,
    });
  }

  registerEvents(): void {
    this.context.on(InventoryEvents.collect, (payload) => this.onCollect(payload));
  }

  /** Starts the summary schedule; returns at once (the first check runs on a timer, not inside the hook's timeout). */
  onConfig(config: RoleConfig): void {
    const intervalSeconds = intervalFromConfig(config);
    if (intervalSeconds === this.intervalSeconds) return;
    this.intervalSeconds = intervalSeconds;
    this.context.logger.info({ intervalSeconds }, 'inventory summary schedule set');
    this.reporter.start(intervalSeconds * 1000);
  }

  stopAll(): void {
    this.reporter.stop();
  }

  private async onCollect(payload: unknown): Promise<RoleAck> {
    const parsed = parseMessage(inventoryCollectSchema, payload);
    if (!parsed.ok) return parsed;
    const started = this.deps.now();
    const ack = await this.collector.collect(parsed.value.kind);
    this.context.logger.info({ kind: parsed.value.kind, ok: ack.ok, ms: this.deps.now() - started }, 'inventory collected');
    return ack as RoleAck;
  }
}
