import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { ServerConfig } from './config/config';
import { CoreModule } from './common/core.module';
import { dataSourceOptions } from './database/data-source';
import { AgentGatewayModule } from './modules/agent-gateway/agent-gateway.module';
import { AuditModule } from './modules/audit/audit.module';
import { AuthModule } from './modules/auth/auth.module';
import { DevicesModule } from './modules/devices/devices.module';
import { EnrollmentModule } from './modules/enrollment/enrollment.module';
import { HealthModule } from './modules/health/health.module';
import { InventoryModule } from './modules/inventory/inventory.module';
import { JobsModule } from './modules/jobs/jobs.module';
import { MacrosModule } from './modules/macros/macros.module';
import { MetricsModule } from './modules/metrics/metrics.module';
import { ScreenModule } from './modules/screen/screen.module';
import { TokensModule } from './modules/tokens/tokens.module';
import { UiGatewayModule } from './modules/ui-gateway/ui-gateway.module';

@Module({})
export class AppModule {
  static forRoot(config: ServerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config),
        TypeOrmModule.forRoot(dataSourceOptions(config)),
        AuditModule,
        TokensModule,
        AuthModule,
        DevicesModule,
        EnrollmentModule,
        JobsModule,
        InventoryModule,
        ScreenModule,
        MacrosModule,
        AgentGatewayModule,
        UiGatewayModule,
        HealthModule,
        MetricsModule,
      ],
    };
  }
}
