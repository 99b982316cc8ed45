import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

export class AuditEntryDto {
  @ApiProperty() id!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: ['token', 'agent', 'system'] }) actorType!: string;
  @ApiProperty({ nullable: true, type: String }) actorId!: string | null;
  @ApiProperty({ nullable: true, type: String }) actorName!: string | null;
  @ApiProperty({ example: 'token.create' }) action!: string;
  @ApiProperty({ nullable: true, type: String }) targetType!: string | null;
  @ApiProperty({ nullable: true, type: String }) targetId!: string | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true }) details!: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: String }) ip!: string | null;
}

export class ListAuditQueryDto {
  @ApiPropertyOptional({ example: 'token.create' })
  @IsOptional() @IsString() @Length(1, 64)
  action?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 64)
  actorId?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 64)
  targetId?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional() @Type(() => Date) @IsDate()
  since?: Date;

  @ApiPropertyOptional({ description: 'page backwards: entries with a smaller id' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  beforeId?: number;

  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 1000 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  limit?: number;
}
