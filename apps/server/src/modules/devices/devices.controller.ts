import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { parseMessage, roleConfigSchema, type RoleConfig } from '@borealis/protocol';
import { ErrorResponseDto } from '../../common/error-response.dto';
import { ValidationError } from '../../common/errors';
import { RequireScope } from '../auth/auth.decorators';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import type { DeviceEntity } from './device.entity';
import { DevicesService } from './devices.service';
import { DeviceDto, DeviceListDto, ListDevicesQueryDto, UpdateDeviceDto } from './dto/device.dto';
import { PresenceService } from './presence.service';

const ROLE_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const MAX_ROLE_CONFIG_BYTES = 64 * 1024;

@ApiTags('devices')
@Controller('devices')
export class DevicesController {
  constructor(
    private readonly devices: DevicesService,
    private readonly presence: PresenceService,
  ) {}

  @Get()
  @RequireScope('devices:read')
  @ApiOkResponse({ type: DeviceListDto })
  async list(@Query() query: ListDevicesQueryDto): Promise<DeviceListDto> {
    const limit = query.limit ?? 100;
    const offset = query.offset ?? 0;
    const { items, total } = await this.devices.list({ ...query, limit, offset });
    return { items: items.map((d) => this.toDto(d)), total, limit, offset };
  }

  @Get(':id')
  @RequireScope('devices:read')
  @ApiOkResponse({ type: DeviceDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<DeviceDto> {
    return this.toDto(await this.devices.getActive(id));
  }

  @Patch(':id')
  @RequireScope('devices:write')
  @ApiOkResponse({ type: DeviceDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateDeviceDto,
  ): Promise<DeviceDto> {
    const roles = body.roles ? validateRoleConfig(body.roles) : undefined;
    return this.toDto(await this.devices.update(principal, id, { tags: body.tags, roles }));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScope('devices:write')
  @ApiNoContentResponse({ description: 'device removed and its agent revoked' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async remove(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.devices.remove(principal, id);
  }

  private toDto(device: DeviceEntity): DeviceDto {
    const live = device.online ? this.presence.get(device.id) : undefined;
    return {
      id: device.id,
      hostname: device.hostname,
      os: device.os,
      osVersion: device.osVersion,
      arch: device.arch,
      agentVersion: device.agentVersion,
      online: device.online,
      lastSeen: this.presence.lastSeen(device.id, device.lastSeen)?.toISOString() ?? null,
      enrolledAt: device.enrolledAt.toISOString(),
      tags: device.tags,
      roles: device.roles,
      roleConfig: device.roleConfig,
      configRevision: device.configRevision,
      metrics: live?.metrics,
      connectedSince: live ? new Date(live.connectedAt).toISOString() : undefined,
    };
  }
}

function validateRoleConfig(roles: Record<string, unknown>): Record<string, RoleConfig | null> {
  if (JSON.stringify(roles).length > MAX_ROLE_CONFIG_BYTES) {
    throw new ValidationError('validation_failed', 'role config is too large', { maxBytes: MAX_ROLE_CONFIG_BYTES });
  }
  const problems: { field: string; problems: string[] }[] = [];
  const result: Record<string, RoleConfig | null> = {};
  for (const [name, config] of Object.entries(roles)) {
    if (!ROLE_NAME.test(name)) {
      problems.push({ field: `roles.${name}`, problems: ['role names are lower snake_case'] });
      continue;
    }
    if (config === null) {
      result[name] = null;
      continue;
    }
    const parsed = parseMessage(roleConfigSchema, config);
    if (parsed.ok && typeof config === 'object' && !Array.isArray(config)) result[name] = parsed.value;
    else problems.push({ field: `roles.${name}`, problems: parsed.ok ? ['must be an object'] : parsed.details.map((d) => `${d.path || '(root)'}: ${d.message}`) });
  }
  if (problems.length > 0) throw new ValidationError('validation_failed', 'request is invalid', problems);
  return result;
}
