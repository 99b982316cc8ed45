import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ErrorResponseDto } from '../../common/error-response.dto';
import { RequireScope } from '../auth/auth.decorators';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import type { ApiTokenEntity } from './api-token.entity';
import { CreatedTokenDto, CreateTokenDto, TokenDto } from './dto/token.dto';
import { TokensService } from './tokens.service';

@ApiTags('tokens')
@Controller('tokens')
@RequireScope('admin')
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @Post()
  @ApiCreatedResponse({ type: CreatedTokenDto })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateTokenDto): Promise<CreatedTokenDto> {
    const { entity, token } = await this.tokens.create(principal, body);
    return { id: entity.id, token, scopes: entity.scopes, expiresAt: entity.expiresAt?.toISOString() ?? null };
  }

  @Get()
  @ApiOkResponse({ type: TokenDto, isArray: true })
  async list(): Promise<TokenDto[]> {
    return (await this.tokens.list()).map(toTokenDto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'revoked' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async revoke(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.tokens.revoke(principal, id);
  }
}

function toTokenDto(entity: ApiTokenEntity): TokenDto {
  return {
    id: entity.id,
    name: entity.name,
    scopes: entity.scopes,
    createdAt: entity.createdAt.toISOString(),
    expiresAt: entity.expiresAt?.toISOString() ?? null,
    lastUsedAt: entity.lastUsedAt?.toISOString() ?? null,
    createdBy: entity.createdBy,
  };
}
