import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

export class CreateEnrollmentTokenDto {
  @ApiPropertyOptional({ example: 'branch-office-rollout', maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  label?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1_000_000, description: 'unlimited when omitted' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  maxUses?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 31_536_000, default: 86_400, description: 'defaults to 24 hours' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(31_536_000)
  expiresInSeconds?: number;
}

export class EnrollmentTokenDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ nullable: true, type: String }) label!: string | null;
  @ApiProperty({ nullable: true, type: Number }) maxUses!: number | null;
  @ApiProperty() uses!: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) expiresAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty() createdBy!: string;
}

export class CreatedEnrollmentTokenDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'the secret; shown once, only its hash is stored' }) token!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) expiresAt!: string | null;
  @ApiProperty({ nullable: true, type: Number }) maxUses!: number | null;
}

export class EnrollDto {
  @ApiProperty({ description: 'an enrollment token from POST /api/enrollment-tokens' })
  @IsString()
  @Length(1, 200)
  enrollmentToken!: string;

  @ApiProperty({ example: 'ws-0042' })
  @IsString()
  @Length(1, 255)
  hostname!: string;

  @ApiProperty({ example: 'linux' })
  @IsString()
  @Length(1, 64)
  os!: string;

  @ApiProperty({ example: 'x64' })
  @IsString()
  @Length(1, 64)
  arch!: string;
}

export class EnrolledDto {
  @ApiProperty({ format: 'uuid', description: 'the agent id, also the device id' }) agentId!: string;
  @ApiProperty({ description: 'the agent secret; shown once, only its hash is stored' }) secret!: string;
}
