/**
 * Domain errors thrown by services. They carry a stable `code`; the global filter maps them to
 * HTTP `{code, message, details}` and gateway acks reuse the same shape. Services never import
 * HTTP exception classes.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  readonly status = 400;
}
export class UnauthorizedError extends DomainError {
  readonly status = 401;
}
export class ForbiddenError extends DomainError {
  readonly status = 403;
}
export class NotFoundError extends DomainError {
  readonly status = 404;
  constructor(what: string, id: string) {
    super(`${what}_not_found`, `${what.replace(/_/g, ' ')} ${id} not found`, { id });
  }
}
export class ConflictError extends DomainError {
  readonly status = 409;
}
/** The resource existed but is no longer usable (expired, used up). */
export class GoneError extends DomainError {
  readonly status = 410;
}
/** The request is understood but cannot be done here (e.g. the agent has no package manager for it). */
export class UnprocessableError extends DomainError {
  readonly status = 422;
}
/** A peer (an agent) answered with an error or with data that failed validation. */
export class BadGatewayError extends DomainError {
  readonly status = 502;
}
/** A peer (an agent) did not answer in time. */
export class GatewayTimeoutError extends DomainError {
  readonly status = 504;
}
