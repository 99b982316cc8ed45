import { scriptPayloadSchema, type ScriptPayload } from '@borealis/protocol';

export type ParsedScriptPayload = { ok: true; payload: ScriptPayload } | { ok: false; error: string };

/** Validates a job payload; the error names each bad field so an operator can fix the request. */
export function parseScriptPayload(payload: unknown): ParsedScriptPayload {
  const result = scriptPayloadSchema.safeParse(payload);
  if (result.success) return { ok: true, payload: result.data };
  const problems = result.error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : 'payload';
    return `${where}: ${issue.message}`;
  });
  return { ok: false, error: `invalid payload: ${problems.join('; ')}` };
}
