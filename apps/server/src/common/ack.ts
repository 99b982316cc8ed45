import type { Ack } from '@borealis/protocol';
import { toHttpError } from './error.filter';

/** Socket acks carry the same `{code, message, details}` as REST errors. */
export function toAck(error: unknown): Ack & { ok: false } {
  const { body } = toHttpError(error);
  return { ok: false, ...body };
}
