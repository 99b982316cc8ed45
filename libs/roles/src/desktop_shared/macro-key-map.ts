import type { MacroKey } from '@borealis/protocol';
// Type only: the screen library must never be loaded in the agent process (it segfaults without a display).
import type { Key } from '@nut-tree-fork/nut-js';

export type NutKeyName = keyof typeof Key;

const letters = Object.fromEntries('ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('').map((c) => [c, c]));
const digits = Object.fromEntries('0123456789'.split('').map((d) => [d, `Num${d}`]));
const functionKeys = Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`F${i + 1}`, `F${i + 1}`]));

/**
 * Protocol key name -> nut-js `Key` member name. The generated rows need a cast, so
 * macro-key-map.spec.ts checks that every MACRO_KEYS entry is mapped to an existing member.
 */
export const NUT_KEY_BY_MACRO_KEY: Readonly<Record<MacroKey, NutKeyName>> = {
  ...(letters as Record<string, NutKeyName>),
  ...(digits as Record<string, NutKeyName>),
  ...(functionKeys as Record<string, NutKeyName>),
  Ctrl: 'LeftControl', RightCtrl: 'RightControl',
  Alt: 'LeftAlt', RightAlt: 'RightAlt',
  Shift: 'LeftShift', RightShift: 'RightShift',
  // libnut sends Super_L / the left Windows key for LeftSuper ("meta").
  Super: 'LeftSuper', RightSuper: 'RightSuper',
  // libnut maps both Enter and Return to the main Return key; Return is the unambiguous one.
  Enter: 'Return', Tab: 'Tab', Escape: 'Escape', Space: 'Space', Backspace: 'Backspace',
  Delete: 'Delete', Insert: 'Insert', Home: 'Home', End: 'End', PageUp: 'PageUp', PageDown: 'PageDown',
  Up: 'Up', Down: 'Down', Left: 'Left', Right: 'Right', CapsLock: 'CapsLock', PrintScreen: 'Print',
  Pause: 'Pause', Menu: 'Menu',
  Minus: 'Minus', Equal: 'Equal', Comma: 'Comma', Period: 'Period', Slash: 'Slash', Backslash: 'Backslash',
  Semicolon: 'Semicolon', Quote: 'Quote', Grave: 'Grave', LeftBracket: 'LeftBracket', RightBracket: 'RightBracket',
} as Record<MacroKey, NutKeyName>;

/**
 * Keys nut-js accepts but its native layer (libnut 2.7) silently ignores: a step using one fails
 * with a clear error instead of pretending it was pressed.
 */
export const KEYS_THE_SCREEN_LIBRARY_CANNOT_SEND: ReadonlySet<MacroKey> = new Set<MacroKey>(['Pause']);
