/**
 * The real server's test harness (`apps/server/dist/testing`), loaded at run time: the agent
 * workspace does not build against the server's sources, so only the few members the sim's
 * crash spec uses are typed here. Build the server first (`tsc -b tsconfig.build.json`).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export type Engine = 'sqlite' | 'postgres';

export interface ApiResponse<T> {
  status: number;
  body: T;
}

/** A real server process on 127.0.0.1 with its own data folder and database. */
export interface RealTestServer {
  readonly url: string;
  readonly adminToken: string;
  readonly output: string;
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>>;
  /** SIGKILL, then a new process on the same data folder, database and port, healthy when it resolves. */
  restart(): Promise<void>;
  /** SIGTERM, then the database and the data folder are removed. */
  stop(): Promise<void>;
}

interface Harness {
  TestServer: { start(options: { engine?: Engine; env?: Record<string, string> }): Promise<RealTestServer> };
  testEngines(): Engine[];
}

const TESTING_DIST = resolve(__dirname, '..', '..', '..', 'server', 'dist', 'testing');

export function loadServerHarness(): Harness {
  const serverProcess = resolve(TESTING_DIST, 'server-process.js');
  if (!existsSync(serverProcess)) throw new Error(`${serverProcess} is missing: build the server (npx tsc -b tsconfig.build.json)`);
  // A path known only at run time, outside this workspace's build.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { TestServer } = require(serverProcess) as Pick<Harness, 'TestServer'>;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { testEngines } = require(resolve(TESTING_DIST, 'databases.js')) as Pick<Harness, 'testEngines'>;
  return { TestServer, testEngines };
}
