import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { DomainError } from './errors';

export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

/** Maps anything thrown by a controller to `{code, message, details}` with the right status. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body } = toHttpError(error);
    if (status >= 500) this.logger.error({ err: error }, 'unhandled error');
    response.status(status).json(body);
  }
}

export function toHttpError(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof DomainError) {
    return { status: error.status, body: { code: error.code, message: error.message, details: error.details } };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message = typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? error.message);
    return { status, body: { code: httpCode(status), message } };
  }
  if (isUniqueViolation(error)) {
    return { status: 409, body: { code: 'conflict', message: 'a resource with the same unique value already exists' } };
  }
  // body-parser errors (malformed JSON, too large) carry their own 4xx status.
  const candidate = error as { status?: unknown; type?: unknown; message?: unknown };
  if (typeof candidate?.status === 'number' && candidate.status >= 400 && candidate.status < 500) {
    const code = candidate.type === 'entity.parse.failed' ? 'malformed_json' : httpCode(candidate.status);
    return { status: candidate.status, body: { code, message: String(candidate.message ?? 'bad request') } };
  }
  return { status: 500, body: { code: 'internal_error', message: 'internal server error' } };
}

function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = (error as QueryFailedError & { driverError?: { code?: string } }).driverError;
  // 23505: PostgreSQL unique_violation; SQLITE_CONSTRAINT_UNIQUE from better-sqlite3.
  return driverError?.code === '23505' || driverError?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

function httpCode(status: number): string {
  switch (status) {
    case 400: return 'bad_request';
    case 401: return 'unauthorized';
    case 403: return 'forbidden';
    case 404: return 'not_found';
    case 405: return 'method_not_allowed';
    case 409: return 'conflict';
    case 413: return 'payload_too_large';
    case 415: return 'unsupported_media_type';
    case 429: return 'too_many_requests';
    default: return status >= 500 ? 'internal_error' : 'bad_request';
  }
}
