import { Injectable, Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { InventoryEvents, inventoryReportSchema, parseMessage, type Ack } from '@borealis/protocol';
import { toAck } from '../../common/ack';
import { InventoryService } from '../inventory/inventory.service';
import { AgentMetrics } from '../metrics/agent-metrics';

type AckFn = (response: Ack<Record<string, unknown>>) => void;

/** `inventory.report` of one agent link: the summary the agent pushes at start and on change. */
@Injectable()
export class AgentInventoryListener {
  private readonly logger = new Logger('AgentInventory');

  static readonly events: string[] = [InventoryEvents.report];

  constructor(
    private readonly inventory: InventoryService,
    private readonly metrics: AgentMetrics,
  ) {}

  attach(socket: Socket, deviceId: string, asAck: (candidate: unknown) => AckFn | undefined): void {
    socket.on(InventoryEvents.report, (payload: unknown, ack: unknown) => {
      const reply = asAck(ack);
      const parsed = parseMessage(inventoryReportSchema, payload);
      if (!parsed.ok) {
        this.metrics.badMessages.inc({ event: InventoryEvents.report });
        this.logger.warn({ deviceId, details: parsed.details }, 'malformed inventory report dropped');
        return reply?.(parsed);
      }
      const { kind, collectedAt, data } = parsed.value;
      this.inventory.record(deviceId, kind, collectedAt, data).then(
        (result) => reply?.({ ok: true, stored: result.stored }),
        (error: unknown) => {
          this.logger.error({ err: error, deviceId }, 'inventory report not stored');
          reply?.(toAck(error));
        },
      );
    });
  }
}
