/**
 * Where a run's agent credentials come from: the state file first, then enrollment of the
 * missing ones (with an enrollment token, or one created with an admin token), or made-up
 * credentials for the bare echo server, which accepts any handshake.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { CredentialStore } from './credential-store';
import { createEnrollmentToken, enrollAgents } from './enroller';
import type { AgentCredential } from './sim-types';

export interface CredentialSource {
  serverUrl: string;
  count: number;
  statePath: string;
  adminToken?: string;
  enrollmentToken?: string;
  /** No enrollment and no state file: random ids, only for servers that accept anyone. */
  fake?: boolean;
  log?: (line: string) => void;
}

export async function fleetCredentials(source: CredentialSource): Promise<AgentCredential[]> {
  const log = source.log ?? (() => undefined);
  if (source.fake) return fakeCredentials(source.count);
  const store = new CredentialStore(source.statePath);
  const known = store.get(source.serverUrl);
  const missing = source.count - known.length;
  if (missing <= 0) {
    log(`using ${source.count} enrolled agents from ${source.statePath}`);
    return known.slice(0, source.count);
  }
  let token = source.enrollmentToken;
  if (!token && source.adminToken) token = await createEnrollmentToken(source.serverUrl, source.adminToken, missing);
  if (!token) {
    throw new Error(
      `${source.statePath} has ${known.length} agents for ${CredentialStore.key(source.serverUrl)}, ` +
        `${source.count} wanted: pass --admin-token or --enrollment-token to enroll the rest (or --fake-credentials for the echo server)`,
    );
  }
  log(`enrolling ${missing} agents (${known.length} already in ${source.statePath})`);
  const started = Date.now();
  let lastLog = started;
  const fresh = await enrollAgents({
    serverUrl: source.serverUrl,
    enrollmentToken: token,
    count: missing,
    persist: (enrolled) => store.set(source.serverUrl, [...known, ...enrolled]),
    onProgress: (done, total) => {
      if (Date.now() - lastLog < 5_000 && done < total) return;
      lastLog = Date.now();
      log(`enrolled ${done}/${total} (${Math.round(done / ((Date.now() - started) / 1000))}/s)`);
    },
  });
  return [...known, ...fresh].slice(0, source.count);
}

export function fakeCredentials(count: number): AgentCredential[] {
  return Array.from({ length: count }, (_, i) => ({
    agentId: randomUUID(),
    secret: randomBytes(16).toString('base64url'),
    hostname: `sim-fake-${String(i).padStart(5, '0')}`,
  }));
}
