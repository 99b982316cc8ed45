import { io } from 'socket.io-client';
import { AGENTS_NAMESPACE, HandshakeErrors, PROTOCOL_VERSION } from '@borealis/protocol';
import { EnrollmentClient } from '../enrollment/enrollment-client';
import { CredentialsStore, type AgentCredentials } from '../home/credentials-store';
import { localIdentity } from '../platform';

/**
 * Enrolls during install/repair/launch, before any service starts: a wrong or expired token is
 * reported to whoever runs the installer, instead of ending up in a service's log.
 */
export async function enrollNow(home: string, serverUrl: string, enrollmentToken: string, client = new EnrollmentClient()): Promise<AgentCredentials> {
  const { hostname, os, arch } = localIdentity();
  const { agentId, secret } = await client.enroll(serverUrl, { enrollmentToken, hostname, os, arch });
  const credentials = { agentId, secret, serverUrl };
  new CredentialsStore(home).save(credentials);
  return credentials;
}

export type CredentialsProbe = 'accepted' | 'refused' | 'unreachable';

/**
 * One Socket.IO handshake with the stored credentials (no hello, so the server does not mark the
 * device online or replace a running agent's session): tells repair whether they are stale.
 */
export function probeCredentials(credentials: AgentCredentials, serverUrl: string, timeoutMs = 8_000): Promise<CredentialsProbe> {
  return new Promise((resolve) => {
    const socket = io(`${serverUrl}${AGENTS_NAMESPACE}`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: timeoutMs,
      auth: { agentId: credentials.agentId, secret: credentials.secret, protocolVersion: PROTOCOL_VERSION },
    });
    const done = (outcome: CredentialsProbe): void => {
      socket.removeAllListeners();
      socket.disconnect();
      resolve(outcome);
    };
    socket.on('connect', () => done('accepted'));
    socket.on('connect_error', (err: Error) => done(err.message === HandshakeErrors.unauthorized ? 'refused' : 'unreachable'));
  });
}
