import { scriptPayloadSchema, type ScriptPayload } from '@borealis/protocol';

export type ParsedScriptPayload = { ok: true; payload: ScriptPayload } | { ok: false; error: string };

/** Validates a job payload; the error names each bad field so an operator can fix the request. */
export function parseScriptPayload(payload: unknown): ParsedScriptPayload {
  const result = scriptPayloadSchema.safeParse(payload);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : 'payload';
      return `${where}: ${issue.message}`;
    });
    return { ok: false, error: `invalid payload: ${problems.join('; ')}` };
  }
  // Arguments and environment values are C strings for the OS: a NUL cannot be passed on.
  const { args, env } = result.data;
  const nul = [
    ...args.map((a, i) => [`args.${i}`, a] as const),
    ...Object.entries(env).map(([k, v]) => [`env.${k}`, v] as const),
  ].find(([, value]) => value.includes('\0'));
  if (nul) return { ok: false, error: `invalid payload: ${nul[0]}: must not contain a NUL character` };
  return { ok: true, payload: result.data };
}
