import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { DevicesModule } from '../devices/devices.module';
import { ScreenModule } from '../screen/screen.module';
import { MacrosController } from './macros.controller';
import { MacrosService } from './macros.service';

/** `POST /api/devices/:id/macro`: typed text, key combinations and pauses on the device's desktop. */
@Module({
  imports: [DevicesModule, AuditModule, ScreenModule],
  controllers: [MacrosController],
  providers: [MacrosService],
})
export class MacrosModule {}
