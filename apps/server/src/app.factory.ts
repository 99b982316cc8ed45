import 'reflect-metadata';
import { RequestMethod, type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { ErrorFilter } from './common/error.filter';
import { ErrorResponseDto } from './common/error-response.dto';
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
  const document = SwaggerModule.createDocument(app, builder, {
    extraModels: [ErrorResponseDto],
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
  addCommonErrorResponses(document);
  return document;
}

/** Every operation can answer 400 (bad input) and 500 with the shared error body. */
function addCommonErrorResponses(document: OpenAPIObject): void {
  const content = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDto' } } };
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item as Record<string, { responses?: Record<string, unknown> }>)) {
      if (!operation?.responses) continue;
      operation.responses['400'] ??= { description: 'invalid request: {code, message, details}', content };
      operation.responses['500'] ??= { description: 'internal error', content };
    }
  }
}
