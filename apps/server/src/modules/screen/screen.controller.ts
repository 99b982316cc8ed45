import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res, StreamableFile } from '@nestjs/common';
import {
  ApiBadGatewayResponse, ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiGatewayTimeoutResponse, ApiNotFoundResponse, ApiOkResponse,
  ApiTags, ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { IMAGE_MIME_TYPES } from '@borealis/protocol';
import { ErrorResponseDto } from '../../common/error-response.dto';
import { RequireScope } from '../auth/auth.decorators';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { ScreenInfoDto, ScreenshotRequestDto, ScreenTimeoutQueryDto } from './dto/screen.dto';
import { ScreenService } from './screen.service';

const binary = { schema: { type: 'string', format: 'binary' } };
const OFFLINE = 'agent_offline (device not connected), role_unavailable (the screenshot role is not running on it), agent_disconnected (the link closed before the agent answered)';
const DESKTOP = 'display_unavailable (no display: no DISPLAY, X server gone, screen library failed), display_locked (locked session / secure desktop), image_too_large, capture_failed; the message is the agent\'s';
const BAD_AGENT = 'invalid_agent_answer (the agent\'s ack failed validation), agent_error (the agent answered an unexpected error code)';

@ApiTags('screen')
@Controller('devices/:id')
export class ScreenController {
  constructor(private readonly screen: ScreenService) {}

  @Get('screen')
  @RequireScope('screen:read')
  @ApiOkResponse({ type: ScreenInfoDto, description: 'the full screen size and each display, in the coordinates a region uses' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'device_not_found' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: OFFLINE })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: DESKTOP })
  @ApiBadGatewayResponse({ type: ErrorResponseDto, description: BAD_AGENT })
  @ApiGatewayTimeoutResponse({ type: ErrorResponseDto, description: 'agent_timeout' })
  info(@Param('id', new ParseUUIDPipe()) id: string, @Query() query: ScreenTimeoutQueryDto): Promise<ScreenInfoDto> {
    return this.screen.info(id, query.timeoutSeconds !== undefined ? query.timeoutSeconds * 1000 : undefined);
  }

  @Post('screenshot')
  @HttpCode(200)
  @RequireScope('screen:read')
  @ApiBody({ type: ScreenshotRequestDto, required: false, description: 'all optional: no body captures the whole screen as PNG' })
  @ApiOkResponse({
    description: 'the encoded image exactly as the agent captured it; every capture is audited',
    content: { 'image/png': binary, 'image/jpeg': binary },
    headers: {
      'X-Image-Width': { description: 'pixels', schema: { type: 'integer' } },
      'X-Image-Height': { description: 'pixels', schema: { type: 'integer' } },
      'X-Captured-At': { description: 'when the agent captured it (ISO 8601)', schema: { type: 'string', format: 'date-time' } },
    },
  })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'validation_failed (nothing is sent to the agent), bad_region (the region is outside the screen or display)' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'device_not_found' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: OFFLINE })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: DESKTOP })
  @ApiBadGatewayResponse({ type: ErrorResponseDto, description: BAD_AGENT })
  @ApiGatewayTimeoutResponse({ type: ErrorResponseDto, description: 'agent_timeout' })
  async screenshot(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ScreenshotRequestDto,
    @Query() query: ScreenTimeoutQueryDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const options = this.screen.captureOptions(body);
    const image = await this.screen.capture(principal, id, options, query.timeoutSeconds !== undefined ? query.timeoutSeconds * 1000 : undefined);
    response.set({
      'X-Image-Width': String(image.width),
      'X-Image-Height': String(image.height),
      'X-Captured-At': new Date(image.capturedAt).toISOString(),
      // A screen may show anything: no cache on the way may keep it.
      'Cache-Control': 'no-store',
    });
    return new StreamableFile(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
      type: IMAGE_MIME_TYPES[image.format], length: image.data.byteLength,
    });
  }
}
