/**
 * Enrolls simulated agents exactly like real ones (`POST /api/agents/enroll`), optionally after
 * creating an enrollment token with an admin token, with a few requests in flight so 19,500
 * enrollments take seconds, not minutes.
 */
import { randomBytes } from 'node:crypto';
import { ENROLL_PATH, type EnrollRequest, type EnrollResponse } from '@borealis/protocol';
import type { AgentCredential } from './sim-types';

export interface EnrollOptions {
  serverUrl: string;
  enrollmentToken: string;
  count: number;
  concurrency?: number;
  /** Called with every credential so far, every `persistEvery` enrollments and at the end. */
  persist?: (enrolled: AgentCredential[]) => void;
  persistEvery?: number;
  onProgress?: (done: number, total: number) => void;
}

interface EnrollmentTokenResponse {
  id: string;
  token: string;
  expiresAt: string | null;
}

const RETRIES = 5;

export async function createEnrollmentToken(serverUrl: string, adminToken: string, maxUses: number): Promise<string> {
  const body = { label: `borealis-sim ${new Date().toISOString()}`, maxUses };
  const res = await postJson<EnrollmentTokenResponse>(serverUrl, '/api/enrollment-tokens', body, adminToken);
  return res.token;
}

export async function enrollAgents(options: EnrollOptions): Promise<AgentCredential[]> {
  const run = randomBytes(3).toString('hex');
  const enrolled: AgentCredential[] = [];
  const persistEvery = options.persistEvery ?? 2_000;
  let next = 0;
  let sinceSave = 0;
  const worker = async (): Promise<void> => {
    while (next < options.count) {
      const index = next++;
      const hostname = `sim-${run}-${String(index).padStart(5, '0')}`;
      const request: EnrollRequest = { enrollmentToken: options.enrollmentToken, hostname, os: 'linux', arch: 'x64' };
      const res = await postJson<EnrollResponse>(options.serverUrl, ENROLL_PATH, request);
      enrolled.push({ agentId: res.agentId, secret: res.secret, hostname });
      options.onProgress?.(enrolled.length, options.count);
      if (++sinceSave >= persistEvery) {
        sinceSave = 0;
        options.persist?.(enrolled);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 16, options.count) }, worker));
  } finally {
    // Whatever got enrolled is saved even on failure, so a retry does not enroll it twice.
    options.persist?.(enrolled);
  }
  return enrolled;
}

/** POST with retries on network errors, 429 and 5xx; other statuses fail at once with the body. */
async function postJson<T>(serverUrl: string, path: string, body: unknown, bearer?: string): Promise<T> {
  const url = new URL(path, serverUrl);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  let lastError: unknown;
  for (let attempt = 0; attempt <= RETRIES; attempt++) {
    if (attempt > 0) await sleep(Math.min(5_000, 200 * 2 ** attempt));
    try {
      const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
      const text = await res.text();
      if (res.ok) return JSON.parse(text) as T;
      lastError = new Error(`POST ${path} -> ${res.status}: ${text.slice(0, 300)}`);
      if (res.status !== 429 && res.status < 500) break;
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
