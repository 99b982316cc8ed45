import { join } from 'node:path';
import { REPO_ROOT } from './agent-build';

/** A private Xvfb display for a spec; `stop()` ends it. */
export interface Xvfb {
  display: string;
  stop(): Promise<void>;
}

interface XvfbHarness {
  startXvfb(options: { width: number; height: number; timeoutMs?: number }): Promise<Xvfb>;
}

/**
 * The desktop roles' Xvfb helper (libs/roles/src/desktop_shared/testing/xvfb.ts: free display
 * number, ownership by lock-file pid so parallel specs cannot share one), loaded at run time from
 * the built tree as real-server.ts does for the server harness: one copy of that logic.
 */
export function startXvfb(width = 640, height = 480): Promise<Xvfb> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const harness = require(join(REPO_ROOT, 'libs', 'roles', 'dist', 'desktop_shared', 'testing', 'xvfb.js')) as XvfbHarness;
  return harness.startXvfb({ width, height });
}
