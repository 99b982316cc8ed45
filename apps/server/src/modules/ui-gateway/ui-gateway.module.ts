import { Module } from '@nestjs/common';
import { TokensModule } from '../tokens/tokens.module';
import { UiGateway } from './ui.gateway';

@Module({ imports: [TokensModule], providers: [UiGateway] })
export class UiGatewayModule {}
