import type { MacroStep } from '@borealis/protocol';

const MAX_LISTED_STEPS = 50;

/**
 * What the audit keeps of a macro: counts, key combinations, delays and the LENGTH of typed text.
 * Never the text itself: macros type passwords.
 */
export function summarizeMacro(steps: MacroStep[]): Record<string, unknown> {
  const counts = { text: 0, keys: 0, delay: 0 };
  let textChars = 0;
  let delayMs = 0;
  for (const step of steps) {
    counts[step.type]++;
    if (step.type === 'text') textChars += step.text.length;
    if (step.type === 'delay') delayMs += step.ms;
  }
  const listed = steps.slice(0, MAX_LISTED_STEPS).map((step) => {
    switch (step.type) {
      case 'text': return `text(${step.text.length} chars)`;
      case 'keys': return `keys(${step.keys.join('+')})`;
      case 'delay': return `delay(${step.ms} ms)`;
    }
  });
  return { stepCount: steps.length, counts, textChars, delayMs, steps: listed, ...(steps.length > MAX_LISTED_STEPS ? { stepsTruncated: true } : {}) };
}
