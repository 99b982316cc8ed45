import { Body, Controller, Delete, Get, HttpCode, Ip, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiCreatedResponse, ApiGoneResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../../common/error-response.dto';
import { Public, RequireScope } from '../auth/auth.decorators';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import {
  CreatedEnrollmentTokenDto, CreateEnrollmentTokenDto, EnrollDto, EnrolledDto, EnrollmentTokenDto,
} from './dto/enrollment.dto';
import { EnrollmentService } from './enrollment.service';

@ApiTags('enrollment')
@Controller('enrollment-tokens')
@RequireScope('agents:enroll')
export class EnrollmentTokensController {
  constructor(private readonly enrollment: EnrollmentService) {}

  @Post()
  @ApiCreatedResponse({ type: CreatedEnrollmentTokenDto })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateEnrollmentTokenDto): Promise<CreatedEnrollmentTokenDto> {
    const { entity, token } = await this.enrollment.createToken(principal, body);
    return { id: entity.id, token, expiresAt: entity.expiresAt?.toISOString() ?? null, maxUses: entity.maxUses };
  }

  @Get()
  @ApiOkResponse({ type: EnrollmentTokenDto, isArray: true })
  async list(): Promise<EnrollmentTokenDto[]> {
    return (await this.enrollment.listTokens()).map((t) => ({
      id: t.id, label: t.label, maxUses: t.maxUses, uses: t.uses, expiresAt: t.expiresAt?.toISOString() ?? null,
      createdAt: t.createdAt.toISOString(), createdBy: t.createdBy,
    }));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'revoked: agents can no longer enroll with it' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async revoke(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.enrollment.revokeToken(principal, id);
  }
}

@ApiTags('enrollment')
@Controller('agents')
export class AgentEnrollmentController {
  constructor(private readonly enrollment: EnrollmentService) {}

  /** Public by design: the enrollment token in the body is the credential. */
  @Post('enroll')
  @Public()
  @ApiCreatedResponse({ type: EnrolledDto })
  @ApiUnauthorizedResponse({ description: 'enrollment_token_invalid', type: ErrorResponseDto })
  @ApiGoneResponse({ description: 'enrollment_token_expired or enrollment_token_exhausted', type: ErrorResponseDto })
  enroll(@Body() body: EnrollDto, @Ip() ip: string): Promise<EnrolledDto> {
    return this.enrollment.enroll(body, ip ?? null);
  }
}
