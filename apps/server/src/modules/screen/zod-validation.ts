import type { z } from 'zod';
import { ValidationError } from '../../common/errors';

/**
 * A zod failure as the same 400 `validation_failed` body the class-validator pipe produces:
 * `details: [{field, problems[]}]`, so clients see one error shape for every route.
 */
export function zodValidationError(error: z.ZodError, message = 'request is invalid'): ValidationError {
  const byField = new Map<string, string[]>();
  for (const issue of error.issues.slice(0, 50)) {
    const field = issue.path.join('.') || '(body)';
    byField.set(field, [...(byField.get(field) ?? []), issue.message]);
  }
  return new ValidationError('validation_failed', message, [...byField].map(([field, problems]) => ({ field, problems })));
}
