import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ErrorResponseDto } from '../../common/error-response.dto';
import { RequireScope } from '../auth/auth.decorators';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import {
  CancelResultDto, CreatedJobDto, CreateJobDto, GetJobQueryDto, JobDetailDto, JobListDto, ListJobsQueryDto, ListRunsQueryDto,
  RunDto, RunListDto,
} from './dto/job.dto';
import { JobsService } from './jobs.service';
import { toJobDto, toRunDto } from './run.mapper';

@ApiTags('jobs')
@Controller()
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Post('jobs')
  @RequireScope('jobs:run')
  @ApiCreatedResponse({ type: CreatedJobDto, description: 'one run per target device; online devices get theirs at once' })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateJobDto): Promise<CreatedJobDto> {
    const { job, runs } = await this.jobs.create(principal, body);
    return { id: job.id, runs: runs.map((r) => ({ id: r.id, deviceId: r.deviceId, status: r.status })) };
  }

  @Get('jobs')
  @RequireScope('jobs:read')
  @ApiOkResponse({ type: JobListDto, description: 'newest first, with run counts per status' })
  async list(@Query() query: ListJobsQueryDto): Promise<JobListDto> {
    const { items, total, counts } = await this.jobs.list({ role: query.role, limit: query.limit ?? 100, offset: query.offset ?? 0 });
    return { items: items.map((job) => toJobDto(job, counts.get(job.id) ?? {})), total };
  }

  @Get('jobs/:id')
  @RequireScope('jobs:read')
  @ApiOkResponse({ type: JobDetailDto, description: 'the job, counts per status and its runs (paged; `output=true` adds stdout/stderr)' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async get(@Param('id', new ParseUUIDPipe()) id: string, @Query() query: GetJobQueryDto): Promise<JobDetailDto> {
    const { job, counts, runs } = await this.jobs.get(id, { limit: query.limit ?? 1000, offset: query.offset ?? 0, output: query.output === 'true' });
    return { ...toJobDto(job, counts), payload: job.payload, runs: runs.map(toRunDto) };
  }

  @Post('jobs/:id/cancel')
  @HttpCode(200)
  @RequireScope('jobs:run')
  @ApiOkResponse({ type: CancelResultDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'nothing left to cancel' })
  cancel(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<CancelResultDto> {
    return this.jobs.cancel(principal, id);
  }

  @Get('runs')
  @RequireScope('jobs:read')
  @ApiOkResponse({ type: RunListDto, description: 'run history, newest first, without output' })
  async runs(@Query() query: ListRunsQueryDto): Promise<RunListDto> {
    const [items, total] = await this.jobs.listRuns({ ...query, limit: query.limit ?? 100, offset: query.offset ?? 0 });
    return { items: items.map(toRunDto), total };
  }

  @Get('runs/:id')
  @RequireScope('jobs:read')
  @ApiOkResponse({ type: RunDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async run(@Param('id', new ParseUUIDPipe()) id: string): Promise<RunDto> {
    return toRunDto(await this.jobs.getRun(id)) as RunDto;
  }
}
