import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../auth/auth.decorators';
import { AuditService } from './audit.service';
import { AuditEntryDto, ListAuditQueryDto } from './dto/audit.dto';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @RequireScope('audit:read')
  @ApiOkResponse({ type: AuditEntryDto, isArray: true, description: 'newest first' })
  async list(@Query() query: ListAuditQueryDto): Promise<AuditEntryDto[]> {
    const entries = await this.audit.list({ ...query, limit: query.limit ?? 100 });
    return entries.map((e) => ({ ...e, at: e.at.toISOString() }));
  }
}
