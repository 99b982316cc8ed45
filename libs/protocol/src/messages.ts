import { z } from 'zod';

/** Upper bounds keep one bad agent from making the server store megabytes. */
const shortText = z.string().min(1).max(255);
const roleName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'role names are lower snake_case');

export const contextSchema = z.enum(['interactive', 'system']);
export type RoleExecutionContext = z.infer<typeof contextSchema>;

export const roleDescriptorSchema = z.object({
  name: roleName,
  contexts: z.array(contextSchema).max(4),
});
export type RoleDescriptor = z.infer<typeof roleDescriptorSchema>;

export const helloSchema = z.object({
  hostname: shortText,
  os: shortText, // platform family: linux, windows, darwin
  osVersion: z.string().max(255).default(''),
  arch: shortText,
  agentVersion: shortText,
  protocolVersion: z.number().int().positive(),
  roles: z.array(roleDescriptorSchema).max(256),
});
export type HelloMessage = z.infer<typeof helloSchema>;

export const heartbeatSchema = z.object({
  seq: z.number().int().nonnegative(),
  /** Sender's clock (ms since epoch) so latency can be measured by the agent. */
  sentAt: z.number().nonnegative().optional(),
  metrics: z
    .record(z.string().max(64), z.number().finite())
    .refine((m) => Object.keys(m).length <= 64, 'at most 64 metrics')
    .default({}),
});
export type HeartbeatMessage = z.infer<typeof heartbeatSchema>;

export const roleStatusSchema = z.enum(['running', 'stopped', 'error']);
export type RoleStatus = z.infer<typeof roleStatusSchema>;

export const roleStateSchema = z.object({
  roles: z
    .array(
      z.object({
        name: roleName,
        status: roleStatusSchema,
        /** Revision of the config the agent applied last, echoed from `config.update`. */
        configRevision: z.number().int().nonnegative(),
        error: z.string().max(2000).optional(),
      }),
    )
    .max(256),
});
export type RoleStateMessage = z.infer<typeof roleStateSchema>;

/** Per-role config as set through `PATCH /api/devices/:id`. `enabled` defaults to true. */
export const roleConfigSchema = z.looseObject({ enabled: z.boolean().optional() });
export type RoleConfig = z.infer<typeof roleConfigSchema>;

export const configUpdateSchema = z.object({
  /** Increases with every change so the agent can report which config it applied. */
  revision: z.number().int().nonnegative(),
  heartbeatIntervalMs: z.number().int().min(100).max(3_600_000),
  roles: z.record(roleName, roleConfigSchema),
});
export type ConfigUpdateMessage = z.infer<typeof configUpdateSchema>;

/** What the server answers to `agent.hello`: the config to apply right away. */
export type HelloAck = Ack<ConfigUpdateMessage & { deviceId: string; serverTime: number }>;
export type HeartbeatAck = Ack<{ serverTime: number }>;

/** Acknowledgement shape shared by both directions; errors reuse the REST `{code, message, details}`. */
export type Ack<T extends object = object> =
  | ({ ok: true } & T)
  | { ok: false; code: string; message: string; details?: unknown };

export interface ParseFailure {
  ok: false;
  code: 'bad_message';
  message: string;
  details: { path: string; message: string }[];
}

/** Validates an incoming message; never throws, so a bad peer can't crash the receiver. */
export function parseMessage<S extends z.ZodType>(
  schema: S,
  input: unknown,
): { ok: true; value: z.infer<S> } | ParseFailure {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    code: 'bad_message',
    message: 'message failed validation',
    details: result.error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), message: i.message })),
  };
}
