import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DevicesModule } from '../devices/devices.module';
import { DeviceSoftwareEntity } from './device-software.entity';
import { InventoryController } from './inventory.controller';
import { InventorySnapshotEntity } from './inventory-snapshot.entity';
import { InventoryService } from './inventory.service';
import { InventoryStore } from './inventory.store';

@Module({
  imports: [TypeOrmModule.forFeature([InventorySnapshotEntity, DeviceSoftwareEntity]), DevicesModule],
  controllers: [InventoryController],
  providers: [InventoryService, InventoryStore],
  exports: [InventoryService],
})
export class InventoryModule {}
