import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { DeviceEntity } from './device.entity';
import { DevicesController } from './devices.controller';
import { DevicesService } from './devices.service';
import { LastSeenWriter } from './last-seen.writer';
import { DeviceLinkRepository } from './device-link.repository';
import { PresenceService } from './presence.service';
import { AgentRequester } from './agent-requester';

@Module({
  imports: [TypeOrmModule.forFeature([DeviceEntity]), AuditModule],
  controllers: [DevicesController],
  providers: [DevicesService, PresenceService, LastSeenWriter, DeviceLinkRepository, AgentRequester],
  exports: [DevicesService, PresenceService, AgentRequester],
})
export class DevicesModule {}
