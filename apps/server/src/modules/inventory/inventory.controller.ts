import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiConflictResponse, ApiGatewayTimeoutResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../../common/error-response.dto';
import { RequireScope } from '../auth/auth.decorators';
import { GetInventoryQueryDto, InventoryHistoryDto, InventoryHistoryQueryDto, InventoryResponseDto, InventorySnapshotDto } from './dto/inventory.dto';
import type { InventorySnapshotEntity } from './inventory-snapshot.entity';
import type { SnapshotHeader } from './inventory.store';
import { InventoryService } from './inventory.service';

@ApiTags('inventory')
@Controller('devices/:id/inventory')
export class InventoryController {
  constructor(private readonly inventory: InventoryService) {}

  @Get()
  @RequireScope('devices:read')
  @ApiOkResponse({ type: InventoryResponseDto, description: 'the latest stored snapshot of that kind, or a fresh one with refresh=true' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'validation_failed (e.g. an unknown kind)' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'device_not_found, or inventory_not_found (nothing stored yet; use refresh=true)' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'agent_offline (refresh on a disconnected device), role_unavailable (device_inventory not running)' })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'not_supported: the device cannot collect that kind (e.g. no package manager)' })
  @ApiGatewayTimeoutResponse({ type: ErrorResponseDto, description: 'agent_timeout' })
  async get(@Param('id', new ParseUUIDPipe()) id: string, @Query() query: GetInventoryQueryDto): Promise<InventoryResponseDto> {
    const timeoutMs = query.timeoutSeconds !== undefined ? query.timeoutSeconds * 1000 : undefined;
    const { snapshot, stored, refreshed } = await this.inventory.get(id, query.kind, query.refresh === true, timeoutMs);
    return { ...toSnapshotDto(snapshot), refreshed, changed: stored };
  }

  @Get('history')
  @RequireScope('devices:read')
  @ApiOkResponse({ type: InventoryHistoryDto, description: 'one entry per change, newest first; data only with data=true' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async history(@Param('id', new ParseUUIDPipe()) id: string, @Query() query: InventoryHistoryQueryDto): Promise<InventoryHistoryDto> {
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    const { items, total } = await this.inventory.history(id, query.kind, limit, offset, query.data === true);
    return { items: items.map(toSnapshotDto), total, limit, offset };
  }
}

function toSnapshotDto(snapshot: InventorySnapshotEntity | SnapshotHeader): InventorySnapshotDto {
  return {
    id: snapshot.id,
    deviceId: snapshot.deviceId,
    kind: snapshot.kind,
    collectedAt: snapshot.collectedAt.toISOString(),
    receivedAt: snapshot.receivedAt.toISOString(),
    lastConfirmedAt: snapshot.lastConfirmedAt.toISOString(),
    hash: snapshot.hash,
    itemCount: snapshot.itemCount,
    ...('data' in snapshot ? { data: snapshot.data } : {}),
  };
}
