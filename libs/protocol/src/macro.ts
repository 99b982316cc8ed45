import { z } from 'zod';

/**
 * Macros (role `macro`, context `interactive`): typed text, key combinations and pauses sent to
 * the logged-in session. The whole macro is validated before any step runs; the agent stops at
 * the first failing step and reports every step's outcome (later steps are `skipped`).
 */
export const MacroEvents = {
  /** server -> agent {@link MacroRunRequest}; ack {@link MacroRunAck}. */
  run: 'macro.run',
} as const;

/**
 * Key names a `keys` step accepts (case-insensitive; aliases in {@link MACRO_KEY_ALIASES}).
 * Keys of one step are pressed in order and released in reverse: `["Ctrl","Alt","T"]`.
 */
export const MACRO_KEYS = [
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split(''),
  ...'0123456789'.split(''),
  ...Array.from({ length: 24 }, (_, i) => `F${i + 1}`),
  'Ctrl', 'RightCtrl', 'Alt', 'RightAlt', 'Shift', 'RightShift', 'Super', 'RightSuper',
  'Enter', 'Tab', 'Escape', 'Space', 'Backspace', 'Delete', 'Insert', 'Home', 'End', 'PageUp', 'PageDown',
  'Up', 'Down', 'Left', 'Right', 'CapsLock', 'PrintScreen', 'Pause', 'Menu',
  'Minus', 'Equal', 'Comma', 'Period', 'Slash', 'Backslash', 'Semicolon', 'Quote', 'Grave', 'LeftBracket', 'RightBracket',
] as const;
export type MacroKey = (typeof MACRO_KEYS)[number];

export const MACRO_KEY_ALIASES: Record<string, MacroKey> = {
  control: 'Ctrl', ctl: 'Ctrl', win: 'Super', windows: 'Super', meta: 'Super', cmd: 'Super', command: 'Super',
  return: 'Enter', esc: 'Escape', del: 'Delete', ins: 'Insert', pgup: 'PageUp', pgdn: 'PageDown',
  arrowup: 'Up', arrowdown: 'Down', arrowleft: 'Left', arrowright: 'Right', prtsc: 'PrintScreen', altgr: 'RightAlt',
};

const keyByLowerName = new Map<string, MacroKey>([
  ...MACRO_KEYS.map((k) => [k.toLowerCase(), k] as const),
  ...Object.entries(MACRO_KEY_ALIASES),
]);

/** The canonical key for a name or alias, case-insensitive; undefined when unknown. */
export function canonicalMacroKey(name: string): MacroKey | undefined {
  return keyByLowerName.get(name.trim().toLowerCase());
}

export const MAX_MACRO_STEPS = 200;
export const MAX_MACRO_TEXT = 10_000;
export const MAX_MACRO_DELAY_MS = 60_000;
/** Sum of all delays in one macro; keeps a request from holding an agent for long. */
export const MAX_MACRO_TOTAL_DELAY_MS = 300_000;

const macroKeyName = z.string().min(1).max(32).transform((name, ctx) => {
  const key = canonicalMacroKey(name);
  if (!key) {
    ctx.addIssue({ code: 'custom', message: `unknown key "${name}"` });
    return z.NEVER;
  }
  return key;
});

export const macroStepSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().min(1).max(MAX_MACRO_TEXT) }),
  z.object({ type: z.literal('keys'), keys: z.array(macroKeyName).min(1).max(8) }),
  z.object({ type: z.literal('delay'), ms: z.number().int().min(0).max(MAX_MACRO_DELAY_MS) }),
]);
export type MacroStep = z.infer<typeof macroStepSchema>;

export const macroRunRequestSchema = z.object({
  steps: z.array(macroStepSchema).min(1).max(MAX_MACRO_STEPS),
}).refine(
  (m) => m.steps.reduce((sum, s) => sum + (s.type === 'delay' ? s.ms : 0), 0) <= MAX_MACRO_TOTAL_DELAY_MS,
  { message: `delays add up to more than ${MAX_MACRO_TOTAL_DELAY_MS} ms`, path: ['steps'] },
);
export type MacroRunRequest = z.infer<typeof macroRunRequestSchema>;

export const MACRO_STEP_STATUSES = ['succeeded', 'failed', 'skipped'] as const;
export type MacroStepStatus = (typeof MACRO_STEP_STATUSES)[number];

export const macroStepResultSchema = z.object({
  index: z.number().int().min(0),
  type: z.enum(['text', 'keys', 'delay']),
  status: z.enum(MACRO_STEP_STATUSES),
  durationMs: z.number().nonnegative(),
  error: z.string().max(2000).optional(),
});
export type MacroStepResult = z.infer<typeof macroStepResultSchema>;

/** `status` is `succeeded` only when every step succeeded. */
export const macroRunResultSchema = z.object({
  status: z.enum(['succeeded', 'failed']),
  steps: z.array(macroStepResultSchema).max(MAX_MACRO_STEPS),
});
export type MacroRunResult = z.infer<typeof macroRunResultSchema>;

/**
 * Ack of `macro.run`: the per-step result (even when a step failed), or an error when nothing
 * could run at all (`display_unavailable`, `bad_message`, ...; codes shared with the screen role).
 */
export type MacroRunAck = ({ ok: true } & MacroRunResult) | { ok: false; code: string; message: string; details?: unknown };
