import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { DevicesModule } from '../devices/devices.module';
import { DesktopAgent } from './desktop-agent';
import { ScreenController } from './screen.controller';
import { ScreenService } from './screen.service';
import { ScreenStreams } from './screen-streams.service';
import { UiScreenHandlers } from './ui-screen.handlers';

/**
 * Screenshots (REST), the live screen stream (`/ui` handlers + agent frames) and the shared
 * {@link DesktopAgent} the macros module reuses. Agents are asked through the devices module's
 * `AgentRequester`.
 */
@Module({
  imports: [DevicesModule, AuditModule],
  controllers: [ScreenController],
  providers: [ScreenService, ScreenStreams, UiScreenHandlers, DesktopAgent],
  exports: [ScreenStreams, UiScreenHandlers, DesktopAgent],
})
export class ScreenModule {}
