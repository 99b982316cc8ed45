import { Injectable } from '@nestjs/common';
import {
  BadGatewayError, ConflictError, DomainError, GatewayTimeoutError, UnprocessableError, ValidationError,
} from '../../common/errors';
import { PresenceService, type AgentLink } from '../devices/presence.service';
import { AgentRequester } from '../devices/agent-requester';

/** The roles that act on the logged-in desktop; both answer with the codes of `DESKTOP_ERROR_CODES`. */
export type DesktopRole = 'screenshot' | 'macro';

/** Agent codes that mean "understood, but this desktop cannot do it now": 422 with the agent's message. */
const UNPROCESSABLE = new Set(['display_unavailable', 'display_locked', 'image_too_large', 'capture_failed']);
const MAX_MESSAGE = 2000;

export type OkAck = { ok: true } & Record<string, unknown>;

/**
 * Asks the screenshot or macro role of a live agent and turns every way that can go wrong into
 * the REST error contract: 409 agent_offline / role_unavailable, 504 agent_timeout, 422 for
 * desktop problems, 400 bad_region, 502 for anything the agent should not have answered.
 */
@Injectable()
export class DesktopAgent {
  /** Requests waiting on each agent link, so a closing link fails them at once (a macro may wait minutes). */
  private readonly inFlight = new Map<AgentLink, Set<() => void>>();

  constructor(
    private readonly agents: AgentRequester,
    private readonly presence: PresenceService,
  ) {}

  /** Throws unless the device is connected and reported the role (a stopped role is refused too); returns its link. */
  ensureReady(deviceId: string, role: DesktopRole): AgentLink {
    const live = this.presence.get(deviceId);
    if (!live) throw new ConflictError('agent_offline', `device ${deviceId} is not connected`, { deviceId });
    const reported = live.roles.find((r) => r.name === role);
    if (!reported || reported.status === 'stopped') {
      throw new ConflictError('role_unavailable', `the ${role} role is not running on device ${deviceId}`, { deviceId, role, status: reported?.status });
    }
    return live.link;
  }

  /** Sends `event` and resolves with the agent's `{ok:true, ...}` ack; every failure throws a {@link DomainError}. */
  async request(deviceId: string, role: DesktopRole, event: string, payload: unknown, timeoutMs: number): Promise<OkAck> {
    const link = this.ensureReady(deviceId, role);
    let linkClosed!: () => void;
    const closed = new Promise<'closed'>((resolve) => { linkClosed = () => resolve('closed'); });
    const waiting = this.inFlight.get(link) ?? new Set();
    waiting.add(linkClosed);
    this.inFlight.set(link, waiting);
    let answer: Awaited<ReturnType<AgentRequester['request']>> | 'closed';
    try {
      answer = await Promise.race([this.agents.request(deviceId, event, payload, timeoutMs), closed]);
    } finally {
      waiting.delete(linkClosed);
      if (waiting.size === 0 && this.inFlight.get(link) === waiting) this.inFlight.delete(link);
    }
    if (answer === 'closed') {
      throw new ConflictError('agent_disconnected', `device ${deviceId} disconnected before it answered; whether ${event} ran is unknown`, { deviceId, event });
    }
    if (answer.status === 'offline') throw new ConflictError('agent_offline', `device ${deviceId} is not connected`, { deviceId });
    if (answer.status === 'timeout') {
      throw new GatewayTimeoutError('agent_timeout', `the agent did not answer within ${timeoutMs} ms`, { deviceId, event, timeoutMs });
    }
    const ack = answer.ack as { ok?: unknown } | null;
    if (ack?.ok === true) return ack as OkAck;
    throw desktopAgentError(ack, deviceId, role);
  }

  /** Called by the agent gateway when a link closes: requests waiting on it fail now, not at their timeout. */
  linkClosed(link: AgentLink): void {
    const waiting = this.inFlight.get(link);
    if (!waiting) return;
    this.inFlight.delete(link);
    for (const fail of waiting) fail();
  }
}

/** Maps an agent's error ack (or garbage) to the domain error the API answers with. */
export function desktopAgentError(ack: unknown, deviceId: string, role: DesktopRole): DomainError {
  const candidate = (ack && typeof ack === 'object' ? ack : {}) as { ok?: unknown; code?: unknown; message?: unknown; details?: unknown };
  if (candidate.ok !== false || typeof candidate.code !== 'string') {
    return new BadGatewayError('invalid_agent_answer', `the agent's answer is not a valid ${role} ack`, { deviceId });
  }
  const code = candidate.code.slice(0, 64);
  const message = typeof candidate.message === 'string' && candidate.message ? candidate.message.slice(0, MAX_MESSAGE) : `the ${role} role failed (${code})`;
  const details = { deviceId, ...(candidate.details !== undefined ? { agentDetails: candidate.details } : {}) };
  if (UNPROCESSABLE.has(code)) return new UnprocessableError(code, message, details);
  if (code === 'bad_region') return new ValidationError('bad_region', message, details);
  // The macro role runs one macro at a time: the caller may retry once the running one finished.
  if (code === 'busy') return new ConflictError('agent_busy', message, details);
  // unknown_event: the agent has no running handler (role disabled, crashed or not embedded).
  if (code === 'unknown_event') return new ConflictError('role_unavailable', `the ${role} role is not running on device ${deviceId}`, { deviceId, role });
  return new BadGatewayError('agent_error', message, { ...details, agentCode: code });
}
