import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import { buildOpenApi, createApp } from './app.factory';
import { loadConfig } from './config/config';

/** Where the committed OpenAPI document lives; CI compares it with a freshly generated one. */
export const OPENAPI_FILE = resolve(__dirname, '..', 'openapi.json');

/** Generates the document from the real module graph, on a throw-away SQLite database. */
export async function generateOpenApi(): Promise<OpenAPIObject> {
  const dir = mkdtempSync(join(tmpdir(), 'borealis-openapi-'));
  try {
    const config = loadConfig({ BOREALIS_DATA_DIR: dir, BOREALIS_LOG_DIR: dir, BOREALIS_ADMIN_TOKEN: 'openapi-generator-token' });
    const app = await createApp(config, false);
    const document = buildOpenApi(app);
    await app.close();
    return document;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function serializeOpenApi(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
