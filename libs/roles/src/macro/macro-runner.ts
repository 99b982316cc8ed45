import type { MacroRunResult, MacroStep, MacroStepResult } from '@borealis/protocol';
import { abortableSleep } from '../desktop_shared';

/** What a macro needs from the desktop (the DesktopSession in production). */
export interface MacroDesktop {
  type(text: string): Promise<void>;
  keys(keys: MacroStep & { type: 'keys' } extends { keys: infer K } ? K : never): Promise<void>;
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 2000);

/**
 * Runs validated steps in order and reports each: stops at the first failure and marks the rest
 * `skipped`. Delays end early (and fail) when `signal` aborts, i.e. when the role stops.
 */
export async function runMacroSteps(steps: readonly MacroStep[], desktop: MacroDesktop, signal: AbortSignal, now: () => number = performance.now.bind(performance)): Promise<MacroRunResult> {
  const results: MacroStepResult[] = [];
  let failed = false;
  for (const [index, step] of steps.entries()) {
    if (failed) {
      results.push({ index, type: step.type, status: 'skipped', durationMs: 0 });
      continue;
    }
    const started = now();
    let error: string | undefined;
    try {
      if (signal.aborted) throw new Error('the macro role stopped before this step');
      if (step.type === 'text') await desktop.type(step.text);
      else if (step.type === 'keys') await desktop.keys(step.keys);
      else if (!(await abortableSleep(step.ms, signal))) throw new Error('the macro role stopped during the delay');
    } catch (err) {
      error = errorText(err);
      failed = true;
    }
    const durationMs = Math.round((now() - started) * 10) / 10;
    results.push(error === undefined ? { index, type: step.type, status: 'succeeded', durationMs } : { index, type: step.type, status: 'failed', durationMs, error });
  }
  return { status: failed ? 'failed' : 'succeeded', steps: results };
}
