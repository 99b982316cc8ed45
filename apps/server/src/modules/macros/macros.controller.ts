import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBadGatewayResponse, ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiGatewayTimeoutResponse, ApiNotFoundResponse,
  ApiOkResponse, ApiTags, ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../../common/error-response.dto';
import { RequireScope } from '../auth/auth.decorators';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { MacroRunRequestDto, MacroRunResultDto } from './dto/macro.dto';
import { parseMacroRequest } from './macro-request';
import { MacrosService } from './macros.service';

@ApiTags('macros')
@Controller('devices/:id/macro')
export class MacrosController {
  constructor(private readonly macros: MacrosService) {}

  @Post()
  @HttpCode(200)
  @RequireScope('input:send')
  @ApiBody({ type: MacroRunRequestDto })
  @ApiOkResponse({ type: MacroRunResultDto, description: 'what each step did; status `failed` (still 200) when a step failed. Audited without the typed text' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'validation_failed: unknown key, too many steps, delays too long ... (nothing is sent to the agent)' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'device_not_found' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'agent_offline (device not connected), role_unavailable (the macro role is not running on it), agent_busy (another macro is running on it), agent_disconnected (the link closed before the agent answered: the outcome is unknown)' })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'display_unavailable, display_locked: nothing could run; the message is the agent\'s' })
  @ApiBadGatewayResponse({ type: ErrorResponseDto, description: 'invalid_agent_answer, agent_error' })
  @ApiGatewayTimeoutResponse({ type: ErrorResponseDto, description: 'agent_timeout: no answer within the macro\'s delays + 30 s (+ typing time)' })
  run(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    // Not a class type on purpose: the global class-validator pipe skips it and parseMacroRequest validates with zod.
    @Body() body: unknown,
  ): Promise<MacroRunResultDto> {
    return this.macros.run(principal, id, parseMacroRequest(body));
  }
}
