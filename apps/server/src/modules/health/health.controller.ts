import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Public } from '../auth/auth.decorators';
import { PresenceService } from '../devices/presence.service';
import { SERVER_VERSION } from '../../version';

class HealthDto {
  @ApiProperty({ example: 'ok' }) status!: string;
  @ApiProperty() version!: string;
  @ApiProperty({ example: 'better-sqlite3' }) database!: string;
  @ApiProperty() agentsConnected!: number;
  @ApiProperty() uptimeSeconds!: number;
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly presence: PresenceService,
  ) {}

  @Get()
  @Public()
  @ApiOkResponse({ type: HealthDto })
  async health(): Promise<HealthDto> {
    await this.dataSource.query('SELECT 1');
    return {
      status: 'ok',
      version: SERVER_VERSION,
      database: this.dataSource.options.type,
      agentsConnected: this.presence.connectedCount,
      uptimeSeconds: Math.round(process.uptime()),
    };
  }
}
