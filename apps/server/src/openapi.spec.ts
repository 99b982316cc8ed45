import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { generateOpenApi, OPENAPI_FILE, serializeOpenApi } from './openapi';

it('the committed openapi.json matches the API (run `npm run openapi` after changing it)', async () => {
  const document = await generateOpenApi();
  assert.equal(readFileSync(OPENAPI_FILE, 'utf8'), serializeOpenApi(document));
});

it('documents every route with its security and error responses', async () => {
  const document = await generateOpenApi();
  const publicRoutes = new Set(['/api/health', '/api/agents/enroll']);
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item as Record<string, { security?: unknown[]; responses: Record<string, unknown> }>)) {
      if (publicRoutes.has(path)) continue;
      assert.ok(operation.security?.length, `${method.toUpperCase()} ${path} declares bearer auth`);
      assert.ok(operation.responses['401'] && operation.responses['403'], `${method.toUpperCase()} ${path} documents 401/403`);
    }
  }
});
