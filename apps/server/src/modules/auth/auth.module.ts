import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TokensModule } from '../tokens/tokens.module';
import { AuthGuard } from './auth.guard';

/** Installs the global bearer-token guard on every HTTP route. */
@Module({
  imports: [TokensModule],
  providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
})
export class AuthModule {}
