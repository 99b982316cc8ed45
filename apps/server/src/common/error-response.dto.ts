import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Every 4xx/5xx body. */
export class ErrorResponseDto {
  @ApiProperty({ example: 'validation_failed', description: 'stable machine-readable code' })
  code!: string;

  @ApiProperty({ example: 'request is invalid' })
  message!: string;

  @ApiPropertyOptional({ description: 'structured context, e.g. the fields that failed validation' })
  details?: unknown;
}
