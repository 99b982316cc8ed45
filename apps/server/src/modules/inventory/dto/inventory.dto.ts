import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { INVENTORY_KINDS, type InventoryKind } from '@borealis/protocol';

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class GetInventoryQueryDto {
  @ApiProperty({ enum: INVENTORY_KINDS })
  @IsIn(INVENTORY_KINDS)
  kind!: InventoryKind;

  @ApiPropertyOptional({ type: Boolean, default: false, description: 'ask the online agent now, store the result if it changed, return it' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  refresh?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: 600, description: 'how long a refresh waits for the agent; default 30 s (summary, processes), 120 s (software), 300 s (updates)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(600)
  timeoutSeconds?: number;
}

export class InventoryHistoryQueryDto {
  @ApiPropertyOptional({ enum: INVENTORY_KINDS, description: 'all kinds when omitted' })
  @IsOptional()
  @IsIn(INVENTORY_KINDS)
  kind?: InventoryKind;

  @ApiPropertyOptional({ type: Boolean, default: false, description: 'include each snapshot\'s data' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  data?: boolean;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ default: 0, minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

export class InventorySnapshotDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) deviceId!: string;
  @ApiProperty({ enum: INVENTORY_KINDS }) kind!: string;
  @ApiProperty({ format: 'date-time', description: 'when the agent collected it' }) collectedAt!: string;
  @ApiProperty({ format: 'date-time', description: 'when the server stored this state' }) receivedAt!: string;
  @ApiProperty({ format: 'date-time', description: 'last time the agent reported this same state' }) lastConfirmedAt!: string;
  @ApiProperty({ description: 'SHA-256 of the stable view; equal hashes mean "unchanged"' }) hash!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'entries of list kinds' }) itemCount!: number | null;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'per kind: see docs/protocol.md (Inventory)' })
  data?: unknown;
}

export class InventoryResponseDto extends InventorySnapshotDto {
  @ApiProperty({ description: 'true when the agent was asked for this answer (refresh=true)' }) refreshed!: boolean;
  @ApiProperty({ description: 'true when this answer created a new history entry' }) changed!: boolean;
}

export class InventoryHistoryDto {
  @ApiProperty({ type: InventorySnapshotDto, isArray: true }) items!: InventorySnapshotDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
