import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { ScreenModule } from '../screen/screen.module';
import { TokensModule } from '../tokens/tokens.module';
import { UiGateway } from './ui.gateway';

@Module({ imports: [TokensModule, JobsModule, ScreenModule], providers: [UiGateway] })
export class UiGatewayModule {}
