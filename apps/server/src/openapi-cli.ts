import { readFileSync, writeFileSync } from 'node:fs';
import { generateOpenApi, OPENAPI_FILE, serializeOpenApi } from './openapi';

// `npm run openapi` rewrites apps/server/openapi.json; `-- --check` only compares (exit 1 if stale).
async function main(): Promise<void> {
  const fresh = serializeOpenApi(await generateOpenApi());
  if (process.argv.includes('--check')) {
    const committed = readFileSync(OPENAPI_FILE, 'utf8');
    if (committed !== fresh) {
      process.stderr.write(`${OPENAPI_FILE} is stale: run npm run openapi and commit it\n`);
      process.exit(1);
    }
    process.stdout.write('openapi.json is up to date\n');
    return;
  }
  writeFileSync(OPENAPI_FILE, fresh);
  process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
}

void main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
