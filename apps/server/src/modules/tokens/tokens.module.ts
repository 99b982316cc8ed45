import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { AdminTokenBootstrap } from './admin-token.bootstrap';
import { ApiTokenEntity } from './api-token.entity';
import { TokensController } from './tokens.controller';
import { TokensService } from './tokens.service';

@Module({
  imports: [TypeOrmModule.forFeature([ApiTokenEntity]), AuditModule],
  controllers: [TokensController],
  providers: [TokensService, AdminTokenBootstrap],
  exports: [TokensService],
})
export class TokensModule {}
