import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { DevicesModule } from '../devices/devices.module';
import { AgentRequester } from '../inventory/agent-requester';
import { DesktopAgent } from './desktop-agent';
import { ScreenController } from './screen.controller';
import { ScreenService } from './screen.service';
import { ScreenStreams } from './screen-streams.service';
import { UiScreenHandlers } from './ui-screen.handlers';

/**
 * Screenshots (REST), the live screen stream (`/ui` handlers + agent frames) and the shared
 * {@link DesktopAgent} the macros module reuses. `AgentRequester` is stateless; this module
 * keeps its own instance rather than reaching into the inventory module.
 */
@Module({
  imports: [DevicesModule, AuditModule],
  controllers: [ScreenController],
  providers: [ScreenService, ScreenStreams, UiScreenHandlers, DesktopAgent, AgentRequester],
  exports: [ScreenStreams, UiScreenHandlers, DesktopAgent],
})
export class ScreenModule {}
