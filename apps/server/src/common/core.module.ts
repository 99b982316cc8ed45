import { Global, Module, type DynamicModule } from '@nestjs/common';
import { SERVER_CONFIG, type ServerConfig } from '../config/config';
import { DeviceEvents } from '../modules/devices/device-events';
import { AgentMetrics } from '../modules/metrics/agent-metrics';
import { Clock } from './clock';

/** Process-wide singletons every feature module may use. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: ServerConfig): DynamicModule {
    return {
      module: CoreModule,
      providers: [{ provide: SERVER_CONFIG, useValue: config }, Clock, AgentMetrics, DeviceEvents],
      exports: [SERVER_CONFIG, Clock, AgentMetrics, DeviceEvents],
    };
  }
}
