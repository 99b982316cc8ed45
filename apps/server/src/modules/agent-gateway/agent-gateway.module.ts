import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module';
import { InventoryModule } from '../inventory/inventory.module';
import { JobsModule } from '../jobs/jobs.module';
import { AgentInventoryListener } from './agent-inventory.listener';
import { AgentJobsListener } from './agent-jobs.listener';
import { AgentGateway } from './agent.gateway';

@Module({ imports: [DevicesModule, JobsModule, InventoryModule], providers: [AgentGateway, AgentJobsListener, AgentInventoryListener] })
export class AgentGatewayModule {}
