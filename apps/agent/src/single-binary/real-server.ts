import { join } from 'node:path';
import { REPO_ROOT } from './agent-build';

/**
 * The server's own test harness (apps/server/dist/testing), loaded at run time: the agent
 * workspace does not depend on the server's, and `npm test` has built both before specs run.
 */
export interface RealServer {
  readonly url: string;
  api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  enrollmentToken(options?: Record<string, unknown>): Promise<string>;
  stop(): Promise<void>;
}

interface ServerHarness {
  TestServer: { start(options?: { env?: Record<string, string> }): Promise<RealServer> };
  waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, describe?: () => string, everyMs?: number): Promise<number>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const harness = require(join(REPO_ROOT, 'apps', 'server', 'dist', 'testing', 'server-process.js')) as ServerHarness;

export interface DeviceView {
  id: string;
  online: boolean;
  hostname: string;
  agentVersion: string;
  roles: Array<{ name: string; contexts: string[]; status: string }>;
}

/** GET /api/devices/:id; a keep-alive socket the server closed at the same moment ("other side closed") is retried. */
export async function device(server: RealServer, id: string): Promise<DeviceView> {
  let response: { status: number; body: DeviceView } | undefined;
  for (let attempt = 0; !response; attempt++) {
    try {
      response = await server.api<DeviceView>('GET', `/api/devices/${id}`);
    } catch (err) {
      if (attempt >= 2) throw err;
    }
  }
  if (response.status !== 200) throw new Error(`GET /api/devices/${id}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}
