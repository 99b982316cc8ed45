import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, Equals, IsArray, IsDefined, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min,
  ValidateNested,
} from 'class-validator';
import { RUN_STATUSES } from '@borealis/protocol';
import { PageQueryDto } from '../../../common/page-query.dto';

export class JobTargetDto {
  @ApiPropertyOptional({ type: String, isArray: true, format: 'uuid' })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100_000) @IsUUID('all', { each: true })
  deviceIds?: string[];

  @ApiPropertyOptional({ type: String, isArray: true, description: 'devices with any of these tags' })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(64) @IsString({ each: true })
  tags?: string[];

  @ApiPropertyOptional({ enum: [true] })
  @IsOptional() @Equals(true)
  all?: boolean;
}

export class CreateJobDto {
  @ApiProperty({ example: 'script_exec_system' })
  @IsString() @Matches(/^[a-z][a-z0-9_]{0,63}$/, { message: 'role names are lower snake_case' })
  role!: string;

  @ApiProperty({ type: JobTargetDto, description: 'exactly one of deviceIds, tags, all' })
  @IsDefined() @ValidateNested() @Type(() => JobTargetDto)
  target!: JobTargetDto;

  @ApiProperty({
    type: 'object', additionalProperties: true,
    example: { script: 'uname -a', shell: 'bash' },
    description: 'role payload; script roles: {script, shell?, args?, env?}',
  })
  @IsDefined()
  payload!: unknown;

  @ApiPropertyOptional({ default: 300, minimum: 1, maximum: 86_400 })
  @IsOptional() @IsInt() @Min(1) @Max(86_400)
  timeoutSeconds?: number;

  @ApiPropertyOptional({ default: 86_400, minimum: 1, maximum: 2_592_000, description: 'how long runs for offline devices wait before they end `expired`' })
  @IsOptional() @IsInt() @Min(1) @Max(2_592_000)
  expiresInSeconds?: number;
}

export class RunSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) jobId!: string;
  @ApiProperty({ format: 'uuid' }) deviceId!: string;
  @ApiProperty({ enum: RUN_STATUSES }) status!: string;
  @ApiProperty({ nullable: true, type: Number }) exitCode!: number | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({ format: 'date-time' }) queuedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) dispatchedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) finishedAt!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'finishedAt - startedAt' }) durationMs!: number | null;
  @ApiPropertyOptional() stdout?: string;
  @ApiPropertyOptional() stderr?: string;
  @ApiPropertyOptional() stdoutTruncated?: boolean;
  @ApiPropertyOptional() stderrTruncated?: boolean;
}

export class RunDto extends RunSummaryDto {
  @ApiProperty() declare stdout: string;
  @ApiProperty() declare stderr: string;
  @ApiProperty() declare stdoutTruncated: boolean;
  @ApiProperty() declare stderrTruncated: boolean;
}

export class CreatedJobDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: () => CreatedRunDto, isArray: true }) runs!: CreatedRunDto[];
}

export class CreatedRunDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) deviceId!: string;
  @ApiProperty({ enum: RUN_STATUSES }) status!: string;
}

export class JobDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() role!: string;
  @ApiProperty({ type: JobTargetDto }) target!: JobTargetDto;
  @ApiProperty() timeoutSeconds!: number;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) cancelledAt!: string | null;
  @ApiProperty() runCount!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'runs per status' }) counts!: Record<string, number>;
}

export class JobDetailDto extends JobDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the role payload as submitted' }) payload!: unknown;
  @ApiProperty({ type: RunSummaryDto, isArray: true }) runs!: RunSummaryDto[];
}

export class JobListDto {
  @ApiProperty({ type: JobDto, isArray: true }) items!: JobDto[];
  @ApiProperty() total!: number;
}

export class RunListDto {
  @ApiProperty({ type: RunSummaryDto, isArray: true }) items!: RunSummaryDto[];
  @ApiProperty() total!: number;
}

export class ListJobsQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @Matches(/^[a-z][a-z0-9_]{0,63}$/)
  role?: string;
}

export class GetJobQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'include stdout/stderr of each run', default: false })
  @IsOptional() @IsIn(['true', 'false'])
  output?: 'true' | 'false';
}

export class ListRunsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID()
  jobId?: string;

  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID()
  deviceId?: string;

  @ApiPropertyOptional({ enum: RUN_STATUSES }) @IsOptional() @IsIn(RUN_STATUSES)
  status?: string;
}

export class CancelResultDto {
  @ApiProperty({ description: 'queued or dispatched runs ended as cancelled now' }) cancelled!: number;
  @ApiProperty({ description: 'running runs asked to stop; they end cancelled when their agent reports' }) stopping!: number;
}
