import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** PostgreSQL on this machine kind: trust auth on 127.0.0.1:5432. Overridable for other setups. */
const ADMIN_URL = process.env.BOREALIS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type Engine = 'sqlite' | 'postgres';

/** Engines the e2e suites run on: both by default; `BOREALIS_TEST_ENGINES=sqlite` narrows a local run. */
export function testEngines(): Engine[] {
  const wanted = (process.env.BOREALIS_TEST_ENGINES ?? 'sqlite,postgres').split(',').map((s) => s.trim());
  return (['sqlite', 'postgres'] as const).filter((engine) => wanted.includes(engine));
}

export interface TestDatabase {
  /** `DATABASE_URL` for the server, or undefined for embedded SQLite. */
  url: string | undefined;
  drop(): Promise<void>;
}

/** A fresh, empty database per server under test, so suites never see each other's rows. */
export async function createTestDatabase(engine: Engine): Promise<TestDatabase> {
  if (engine === 'sqlite') return { url: undefined, drop: async () => {} };
  const name = `borealis_t_${randomBytes(6).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

async function withAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
