import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { PageQueryDto } from '../../../common/page-query.dto';
import {
  ArrayMaxSize, IsArray, IsBoolean, IsObject, IsOptional, IsString, Length, Matches,
} from 'class-validator';

export class DeviceRoleDto {
  @ApiProperty({ example: 'heartbeat_metrics' }) name!: string;
  @ApiProperty({ enum: ['interactive', 'system'], isArray: true }) contexts!: string[];
  @ApiProperty({ enum: ['running', 'stopped', 'error', 'unknown'] }) status!: string;
  @ApiProperty({ description: 'config revision the agent applied last' }) configRevision!: number;
  @ApiPropertyOptional() error?: string;
}

export class DeviceDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() hostname!: string;
  @ApiProperty({ example: 'linux' }) os!: string;
  @ApiProperty() osVersion!: string;
  @ApiProperty({ example: 'x64' }) arch!: string;
  @ApiProperty() agentVersion!: string;
  @ApiProperty() online!: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastSeen!: string | null;
  @ApiPropertyOptional({ format: 'date-time', description: 'when the current link was established (online devices)' }) connectedSince?: string;
  @ApiProperty({ format: 'date-time' }) enrolledAt!: string;
  @ApiProperty({ type: String, isArray: true }) tags!: string[];
  @ApiProperty({ type: DeviceRoleDto, isArray: true }) roles!: DeviceRoleDto[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'object' }, description: 'per-role config set by operators' })
  roleConfig!: Record<string, unknown>;
  @ApiProperty() configRevision!: number;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'number' }, description: 'last heartbeat metrics (online devices)' })
  metrics?: Record<string, number>;
}

export class DeviceListDto {
  @ApiProperty({ type: DeviceDto, isArray: true }) items!: DeviceDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

const TAG = /^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,63}$/;

export class UpdateDeviceDto {
  @ApiPropertyOptional({ type: String, isArray: true, example: ['office-a', 'kiosk'], description: 'replaces the tag list' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  @Matches(TAG, { each: true, message: 'tags are 1-64 characters: letters, digits, _ . : -' })
  tags?: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'object', nullable: true },
    example: { heartbeat_metrics: { enabled: false } },
    description: 'per-role config merged into the current one; null resets a role to its defaults',
  })
  @IsOptional()
  @IsObject()
  roles?: Record<string, Record<string, unknown> | null>;
}

export class ListDevicesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  online?: boolean;

  @ApiPropertyOptional({ description: 'substring, case-insensitive' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  hostname?: string;

  @ApiPropertyOptional({ example: 'linux' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  os?: string;

  @ApiPropertyOptional({ example: 'office-a' })
  @IsOptional()
  @Matches(TAG)
  tag?: string;

  @ApiPropertyOptional({ example: 'openssl', description: 'devices whose latest installed-software inventory has this package (case-insensitive name; a trailing * matches a prefix)' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  software?: string;
}
