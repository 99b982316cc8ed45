import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module';
import { JobsModule } from '../jobs/jobs.module';
import { AgentJobsListener } from './agent-jobs.listener';
import { AgentGateway } from './agent.gateway';

@Module({ imports: [DevicesModule, JobsModule], providers: [AgentGateway, AgentJobsListener] })
export class AgentGatewayModule {}
