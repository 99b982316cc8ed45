import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module';
import { InventoryModule } from '../inventory/inventory.module';
import { JobsModule } from '../jobs/jobs.module';
import { ScreenModule } from '../screen/screen.module';
import { AgentInventoryListener } from './agent-inventory.listener';
import { AgentJobsListener } from './agent-jobs.listener';
import { AgentScreenListener } from './agent-screen.listener';
import { AgentGateway } from './agent.gateway';

@Module({
  imports: [DevicesModule, JobsModule, InventoryModule, ScreenModule],
  providers: [AgentGateway, AgentJobsListener, AgentInventoryListener, AgentScreenListener],
})
export class AgentGatewayModule {}
