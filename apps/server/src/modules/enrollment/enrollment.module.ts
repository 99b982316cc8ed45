import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { DevicesModule } from '../devices/devices.module';
import { AgentEnrollmentController, EnrollmentTokensController } from './enrollment.controller';
import { EnrollmentService } from './enrollment.service';
import { EnrollmentTokenEntity } from './enrollment-token.entity';

@Module({
  imports: [TypeOrmModule.forFeature([EnrollmentTokenEntity]), AuditModule, DevicesModule],
  controllers: [EnrollmentTokensController, AgentEnrollmentController],
  providers: [EnrollmentService],
})
export class EnrollmentModule {}
