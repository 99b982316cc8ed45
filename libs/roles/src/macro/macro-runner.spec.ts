import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { MacroStep } from '@borealis/protocol';
import { runMacroSteps, type MacroDesktop } from './macro-runner';

function fakeDesktop(failOn?: string) {
  const calls: string[] = [];
  const desktop: MacroDesktop = {
    type: async (text) => {
      calls.push(`type:${text}`);
      if (text === failOn) throw new Error('X server :0 not reachable');
    },
    keys: async (keys) => { calls.push(`keys:${keys.join('+')}`); },
  };
  return { desktop, calls };
}

describe('runMacroSteps', () => {
  it('runs every step in order and reports each', async () => {
    const { desktop, calls } = fakeDesktop();
    const steps: MacroStep[] = [{ type: 'text', text: 'a' }, { type: 'delay', ms: 5 }, { type: 'keys', keys: ['Ctrl', 'C'] }];
    const result = await runMacroSteps(steps, desktop, new AbortController().signal);
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(calls, ['type:a', 'keys:Ctrl+C']);
    assert.deepEqual(result.steps.map((s) => [s.index, s.type, s.status]), [[0, 'text', 'succeeded'], [1, 'delay', 'succeeded'], [2, 'keys', 'succeeded']]);
    assert.ok(result.steps[1]!.durationMs >= 4);
  });

  it('stops at the first failure: that step failed with the error, the rest skipped', async () => {
    const { desktop, calls } = fakeDesktop('bad');
    const steps: MacroStep[] = [{ type: 'text', text: 'ok' }, { type: 'text', text: 'bad' }, { type: 'keys', keys: ['Enter'] }, { type: 'delay', ms: 1 }];
    const result = await runMacroSteps(steps, desktop, new AbortController().signal);
    assert.equal(result.status, 'failed');
    assert.deepEqual(calls, ['type:ok', 'type:bad']);
    assert.deepEqual(result.steps.map((s) => s.status), ['succeeded', 'failed', 'skipped', 'skipped']);
    assert.equal(result.steps[1]!.error, 'X server :0 not reachable');
    assert.equal(result.steps[2]!.error, undefined);
  });

  it('fails at once when the signal is already aborted', async () => {
    const { desktop, calls } = fakeDesktop();
    const controller = new AbortController();
    controller.abort();
    const result = await runMacroSteps([{ type: 'text', text: 'x' }, { type: 'delay', ms: 1 }], desktop, controller.signal);
    assert.deepEqual(result.steps.map((s) => s.status), ['failed', 'skipped']);
    assert.deepEqual(calls, []);
  });
});
