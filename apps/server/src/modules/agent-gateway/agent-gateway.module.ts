import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module';
import { AgentGateway } from './agent.gateway';

@Module({ imports: [DevicesModule], providers: [AgentGateway] })
export class AgentGatewayModule {}
