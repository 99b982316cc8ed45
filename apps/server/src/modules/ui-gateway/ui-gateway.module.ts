import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { TokensModule } from '../tokens/tokens.module';
import { UiGateway } from './ui.gateway';

@Module({ imports: [TokensModule, JobsModule], providers: [UiGateway] })
export class UiGatewayModule {}
