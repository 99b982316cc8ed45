import { ENROLL_PATH, type EnrollRequest, type EnrollResponse } from '@borealis/protocol';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** A failed enrollment with the server's stable `code` (or `network_error` / `bad_response`). */
export class EnrollmentError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** HTTP status; 0 when the server was not reached. */
    readonly status: number,
  ) {
    super(message);
    this.name = 'EnrollmentError';
  }

  /** 4xx answers (bad, expired or exhausted token) will not change by retrying; network and 5xx may. */
  get retryable(): boolean {
    return this.status === 0 || this.status >= 500 || this.status === 429;
  }
}

export interface EnrollmentClientOptions {
  fetch?: FetchLike;
  timeoutMs?: number;
}

/** Exchanges an enrollment token for agent credentials: `POST <server>/api/agents/enroll`. */
export class EnrollmentClient {
  private readonly fetch: FetchLike;
  private readonly timeoutMs: number;

  constructor(options: EnrollmentClientOptions = {}) {
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  /** `signal` cancels the request (agent stopping); the client's own timeout applies as well. */
  async enroll(serverUrl: string, request: EnrollRequest, signal?: AbortSignal): Promise<EnrollResponse> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    try {
      response = await this.fetch(`${serverUrl}${ENROLL_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(request),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      throw new EnrollmentError('network_error', `enrollment request failed: ${cause ?? (err as Error).message}`, 0);
    }
    const body = await readJson(response);
    if (response.status === 201 || response.status === 200) {
      const b = body as Partial<EnrollResponse> | undefined;
      if (typeof b?.agentId === 'string' && b.agentId && typeof b.secret === 'string' && b.secret) {
        return { agentId: b.agentId, secret: b.secret };
      }
      throw new EnrollmentError('bad_response', 'enrollment response lacks agentId/secret', response.status);
    }
    const err = body as { code?: unknown; message?: unknown } | undefined;
    const code = typeof err?.code === 'string' ? err.code : `http_${response.status}`;
    const message = typeof err?.message === 'string' ? err.message : response.statusText || 'enrollment refused';
    throw new EnrollmentError(code, message, response.status);
  }
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}
