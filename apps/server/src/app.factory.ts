import 'reflect-metadata';
import { RequestMethod, type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { ErrorFilter } from './common/error.filter';
import { TunedSocketIoAdapter } from './common/socket-io.adapter';
import { createValidationPipe } from './common/validation';
import type { ServerConfig } from './config/config';
import { SERVER_VERSION } from './version';

/** Builds the whole server (not listening yet); used by main, the OpenAPI generator and tests. */
export async function createApp(config: ServerConfig, logger: LoggerService | false): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: logger === false ? false : logger,
    bufferLogs: false,
    abortOnError: false,
  });
  app.set('trust proxy', 'loopback');
  app.disable('x-powered-by');
  app.useBodyParser('json', { limit: '1mb' });
  app.setGlobalPrefix('api', { exclude: [{ path: 'metrics', method: RequestMethod.GET }] });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ErrorFilter());
  app.useWebSocketAdapter(new TunedSocketIoAdapter(app, config));
  app.enableShutdownHooks();
  const document = buildOpenApi(app);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json', useGlobalPrefix: false });
  return app;
}

export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Borealis API')
    .setDescription('Self-hosted remote management and automation. Every route except health, docs and agent enrollment needs `Authorization: Bearer <token>`; errors are `{code, message, details}`.')
    .setVersion(SERVER_VERSION)
    .addBearerAuth()
    .build();
  return SwaggerModule.createDocument(app, builder, { operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}` });
}
