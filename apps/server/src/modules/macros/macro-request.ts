import { macroRunRequestSchema, type MacroRunRequest } from '@borealis/protocol';
import { ValidationError } from '../../common/errors';
import { zodValidationError } from '../screen/zod-validation';

const STEP_FIELDS: Record<string, readonly string[]> = { text: ['type', 'text'], keys: ['type', 'keys'], delay: ['type', 'ms'] };

/**
 * Validates a macro body fully before anything reaches the agent. The protocol schema strips
 * unknown fields; the server refuses them instead, like every other route (a misspelt `delayMs`
 * silently dropped would run a macro with no pause at all).
 */
export function parseMacroRequest(body: unknown): MacroRunRequest {
  const unknown = unknownFields(body);
  if (unknown.length > 0) {
    throw new ValidationError('validation_failed', 'request is invalid', unknown.map((field) => ({ field, problems: [`property ${field.split('.').pop()} should not exist`] })));
  }
  const parsed = macroRunRequestSchema.safeParse(body);
  if (!parsed.success) throw zodValidationError(parsed.error, 'the macro is invalid; nothing was sent to the device');
  return parsed.data;
}

function unknownFields(body: unknown): string[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [];
  const found = Object.keys(body).filter((key) => key !== 'steps');
  const steps = (body as { steps?: unknown }).steps;
  if (Array.isArray(steps)) {
    steps.forEach((step, index) => {
      if (!step || typeof step !== 'object') return;
      const allowed = STEP_FIELDS[String((step as { type?: unknown }).type)];
      if (!allowed) return; // an unknown type is the schema's to report
      for (const key of Object.keys(step)) if (!allowed.includes(key)) found.push(`steps.${index}.${key}`);
    });
  }
  return found;
}
