import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { DEFAULT_JPEG_QUALITY, IMAGE_FORMATS, type ImageFormat } from '@borealis/protocol';

// Bounds mirror screenCaptureOptionsSchema (libs/protocol/src/screen.ts); the service parses the
// validated body with that schema too, so the agent always gets exactly what the protocol allows.

export class ScreenRegionDto {
  @ApiProperty({ minimum: 0, maximum: 65_535, description: 'left edge, full-screen pixels (relative to the display when `display` is set)' })
  @IsInt() @Min(0) @Max(65_535)
  x!: number;

  @ApiProperty({ minimum: 0, maximum: 65_535 })
  @IsInt() @Min(0) @Max(65_535)
  y!: number;

  @ApiProperty({ minimum: 1, maximum: 65_535 })
  @IsInt() @Min(1) @Max(65_535)
  width!: number;

  @ApiProperty({ minimum: 1, maximum: 65_535 })
  @IsInt() @Min(1) @Max(65_535)
  height!: number;
}

export class ScreenshotRequestDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 63, description: 'one display by index (see GET /api/devices/{id}/screen); the whole virtual screen when omitted' })
  @IsOptional() @IsInt() @Min(0) @Max(63)
  display?: number;

  @ApiPropertyOptional({ type: ScreenRegionDto, description: 'a rectangle to capture; a region outside the screen answers 400 bad_region' })
  @IsOptional() @ValidateNested() @Type(() => ScreenRegionDto)
  region?: ScreenRegionDto;

  @ApiPropertyOptional({ enum: IMAGE_FORMATS, default: 'png' })
  @IsOptional() @IsIn(IMAGE_FORMATS)
  format?: ImageFormat;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: DEFAULT_JPEG_QUALITY, description: 'JPEG quality; ignored for PNG' })
  @IsOptional() @IsInt() @Min(1) @Max(100)
  quality?: number;
}

export class ScreenTimeoutQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 120, description: 'how long to wait for the agent; default 30 s' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(120)
  timeoutSeconds?: number;
}

export class DisplayDto {
  @ApiProperty({ minimum: 0 }) index!: number;
  @ApiProperty({ description: 'left edge in full-screen pixels' }) x!: number;
  @ApiProperty({ description: 'top edge in full-screen pixels' }) y!: number;
  @ApiProperty({ minimum: 1 }) width!: number;
  @ApiProperty({ minimum: 1 }) height!: number;
  @ApiProperty() primary!: boolean;
}

export class ScreenInfoDto {
  @ApiProperty({ description: 'width of the full (virtual) screen a capture without options returns' }) width!: number;
  @ApiProperty({ description: 'height of the full (virtual) screen' }) height!: number;
  @ApiProperty({ type: DisplayDto, isArray: true }) displays!: DisplayDto[];
}
