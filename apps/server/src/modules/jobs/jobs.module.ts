import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { DevicesModule } from '../devices/devices.module';
import { JobDispatcher } from './job-dispatcher';
import { JobEntity } from './job.entity';
import { JobEvents } from './job-events';
import { JobsController } from './jobs.controller';
import { JobsService } from './jobs.service';
import { RunEntity } from './run.entity';
import { RunReportsService } from './run-reports.service';
import { RunStore } from './run.store';
import { RunSweeper } from './run-sweeper';

@Module({
  imports: [TypeOrmModule.forFeature([JobEntity, RunEntity]), DevicesModule, AuditModule],
  controllers: [JobsController],
  providers: [JobsService, JobDispatcher, RunReportsService, RunStore, RunSweeper, JobEvents],
  exports: [JobDispatcher, RunReportsService, JobEvents],
})
export class JobsModule {}
