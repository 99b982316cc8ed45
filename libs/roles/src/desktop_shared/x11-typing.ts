/**
 * Typing punctuation on X11. libnut types a character by looking up the key that carries it but
 * only adds Shift for capital letters, so "!" comes out as "1" on a US keymap. We read the real
 * keymap (`xmodmap -pke`) and, for a character that sits on the shifted level of a key, hold
 * Shift and type that key's unshifted character. Without xmodmap a US layout is assumed.
 */

/** ASCII characters whose X keysym name is not the character itself. */
const KEYSYM_BY_CHAR: Record<string, string> = {
  ' ': 'space', '!': 'exclam', '"': 'quotedbl', '#': 'numbersign', $: 'dollar', '%': 'percent', '&': 'ampersand',
  "'": 'apostrophe', '(': 'parenleft', ')': 'parenright', '*': 'asterisk', '+': 'plus', ',': 'comma', '-': 'minus',
  '.': 'period', '/': 'slash', ':': 'colon', ';': 'semicolon', '<': 'less', '=': 'equal', '>': 'greater',
  '?': 'question', '@': 'at', '[': 'bracketleft', '\\': 'backslash', ']': 'bracketright', '^': 'asciicircum',
  _: 'underscore', '`': 'grave', '{': 'braceleft', '|': 'bar', '}': 'braceright', '~': 'asciitilde',
};
const CHAR_BY_KEYSYM = new Map(Object.entries(KEYSYM_BY_CHAR).map(([c, k]) => [k, c]));

const US_SHIFTED = '~!@#$%^&*()_+{}|:"<>?';
const US_BASE = '`1234567890-=[]\\;\',./';

/** Shifted character -> the unshifted character on the same key. */
export type ShiftMap = ReadonlyMap<string, string>;

export const US_SHIFT_MAP: ShiftMap = new Map(US_SHIFTED.split('').map((c, i) => [c, US_BASE[i]!]));

const charOfKeysym = (keysym: string): string | undefined => (keysym.length === 1 ? keysym : CHAR_BY_KEYSYM.get(keysym));

/**
 * From `xmodmap -pke` lines (`keycode  10 = 1 exclam 1 exclam`): punctuation found only on a
 * shifted level, mapped to the unshifted character of its key. Letters are left to libnut.
 */
export function parseXmodmapShiftMap(text: string): ShiftMap {
  const unshifted = new Set<string>();
  const shifted = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^keycode\s+\d+\s*=\s*(\S+)(?:\s+(\S+))?/.exec(line);
    if (!m) continue;
    const base = charOfKeysym(m[1]!);
    if (base !== undefined) unshifted.add(base);
    const upper = m[2] ? charOfKeysym(m[2]) : undefined;
    if (base !== undefined && upper !== undefined && !/[a-z]/i.test(upper) && !shifted.has(upper)) shifted.set(upper, base);
  }
  for (const c of unshifted) shifted.delete(c); // reachable without Shift on some key: libnut finds it
  return shifted;
}

export interface TypingChunk { text: string; shift: boolean }

/** Splits text into runs typed as-is and runs typed with Shift held (already mapped to base characters). */
export function planTyping(text: string, shiftMap: ShiftMap): TypingChunk[] {
  const chunks: TypingChunk[] = [];
  for (const c of text) {
    const base = shiftMap.get(c);
    const shift = base !== undefined;
    const char = base ?? c;
    const last = chunks[chunks.length - 1];
    if (last && last.shift === shift) last.text += char;
    else chunks.push({ text: char, shift });
  }
  return chunks;
}
