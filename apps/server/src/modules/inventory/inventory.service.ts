import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  InventoryEvents, inventoryCollectedSchema, inventoryDataSchemas, parseMessage, type InventoryKind, type InventorySoftware,
} from '@borealis/protocol';
import { Clock } from '../../common/clock';
import { BadGatewayError, ConflictError, GatewayTimeoutError, NotFoundError, UnprocessableError } from '../../common/errors';
import { DevicesService } from '../devices/devices.service';
import { AgentRequester } from '../devices/agent-requester';
import { inventoryHash, itemCount } from './inventory-hash';
import type { InventorySnapshotEntity } from './inventory-snapshot.entity';
import { InventoryStore, type SnapshotHeader } from './inventory.store';

/** How long a refresh waits for the agent by default: updates may search Windows Update for minutes. */
export const DEFAULT_REFRESH_TIMEOUT_MS: Record<InventoryKind, number> = {
  summary: 30_000, processes: 30_000, software: 120_000, updates: 300_000,
};

export interface RecordResult {
  /** False when the data equals the latest snapshot (only `lastConfirmedAt` moved). */
  stored: boolean;
  snapshot: InventorySnapshotEntity;
}

@Injectable()
export class InventoryService {
  private readonly logger = new Logger('Inventory');
  /** Reports of one device and kind are applied one after another, so two identical ones cannot both insert. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: InventoryStore,
    private readonly devices: DevicesService,
    private readonly agents: AgentRequester,
    private readonly clock: Clock,
  ) {}

  /** Stores a validated snapshot if it differs from the latest one of its kind; else confirms the latest. */
  record(deviceId: string, kind: InventoryKind, collectedAt: number, data: unknown): Promise<RecordResult> {
    const key = `${deviceId}:${kind}`;
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.recordNow(deviceId, kind, collectedAt, data));
    this.queues.set(key, next);
    void next.finally(() => { if (this.queues.get(key) === next) this.queues.delete(key); }).catch(() => undefined);
    return next;
  }

  /** The latest snapshot (with data); `refresh` asks the online agent first. */
  async get(deviceId: string, kind: InventoryKind, refresh: boolean, timeoutMs?: number): Promise<RecordResult & { refreshed: boolean }> {
    await this.devices.getActive(deviceId);
    if (refresh) return { ...(await this.refresh(deviceId, kind, timeoutMs ?? DEFAULT_REFRESH_TIMEOUT_MS[kind])), refreshed: true };
    const latest = await this.store.latest(deviceId, kind, true) as InventorySnapshotEntity | null;
    if (!latest) throw new NotFoundError('inventory', `${deviceId}/${kind}`);
    return { stored: false, snapshot: latest, refreshed: false };
  }

  async history(deviceId: string, kind: InventoryKind | undefined, limit: number, offset: number, withData: boolean): Promise<{ items: (InventorySnapshotEntity | SnapshotHeader)[]; total: number }> {
    await this.devices.getActive(deviceId);
    const [items, total] = await this.store.history(deviceId, kind, limit, offset, withData);
    return { items, total };
  }

  private async refresh(deviceId: string, kind: InventoryKind, timeoutMs: number): Promise<RecordResult> {
    const answer = await this.agents.request(deviceId, InventoryEvents.collect, { kind }, timeoutMs);
    if (answer.status === 'offline') throw new ConflictError('agent_offline', `device ${deviceId} is not connected`, { deviceId });
    if (answer.status === 'timeout') {
      throw new GatewayTimeoutError('agent_timeout', `the agent did not answer within ${timeoutMs} ms`, { deviceId, kind, timeoutMs });
    }
    const ack = answer.ack as { ok?: unknown; code?: unknown; message?: unknown } | null;
    if (ack?.ok !== true) {
      const code = typeof ack?.code === 'string' ? ack.code : 'agent_error';
      const message = typeof ack?.message === 'string' ? ack.message : 'the agent could not collect the inventory';
      if (code === 'not_supported') throw new UnprocessableError('not_supported', message, { deviceId, kind });
      // unknown_event: the device_inventory role is disabled or missing on that agent.
      if (code === 'unknown_event') throw new ConflictError('role_unavailable', `device_inventory is not running on device ${deviceId}`, { deviceId });
      throw new BadGatewayError('agent_error', message, { deviceId, kind, agentCode: code });
    }
    const envelope = parseMessage(inventoryCollectedSchema, ack);
    const data = envelope.ok && envelope.value.kind === kind ? parseMessage(inventoryDataSchemas[kind], envelope.value.data) : undefined;
    if (!envelope.ok || !data?.ok) {
      this.logger.warn({ deviceId, kind, details: envelope.ok ? (data && !data.ok ? data.details : 'kind mismatch') : envelope.details }, 'invalid inventory from agent');
      throw new BadGatewayError('agent_error', 'the agent sent inventory data that failed validation', { deviceId, kind });
    }
    return this.record(deviceId, kind, envelope.value.collectedAt, data.value);
  }

  private async recordNow(deviceId: string, kind: InventoryKind, collectedAt: number, data: unknown): Promise<RecordResult> {
    const now = this.clock.now();
    const hash = inventoryHash(kind, data);
    const latest = await this.store.latest(deviceId, kind, false);
    if (latest && latest.hash === hash) {
      await this.store.confirm(latest.id, now);
      // Return what was just reported (fresh process CPU, uptime ...) under the unchanged snapshot's identity.
      return { stored: false, snapshot: { ...latest, lastConfirmedAt: now, data } };
    }
    const snapshot: InventorySnapshotEntity = {
      id: randomUUID(), deviceId, kind, collectedAt: new Date(collectedAt), receivedAt: now, lastConfirmedAt: now, hash, itemCount: itemCount(data), data,
    };
    await this.store.insert(snapshot, kind === 'software' ? (data as InventorySoftware).items : undefined);
    this.logger.log({ deviceId, kind, items: snapshot.itemCount ?? undefined }, 'inventory changed');
    return { stored: true, snapshot };
  }
}
