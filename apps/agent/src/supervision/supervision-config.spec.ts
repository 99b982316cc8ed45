import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SUPERVISION, parseSupervision } from './supervision-config';

describe('parseSupervision', () => {
  it('uses the defaults when absent', () => {
    const problems: string[] = [];
    assert.equal(parseSupervision(undefined, problems), DEFAULT_SUPERVISION);
    assert.deepEqual(problems, []);
  });

  it('converts human units to ms and keeps the rest at defaults', () => {
    const problems: string[] = [];
    const config = parseSupervision({ checkIntervalSeconds: 5, memoryCeilingMb: 256, crashLoopWindowMinutes: 2 }, problems);
    assert.deepEqual(problems, []);
    assert.equal(config.checkIntervalMs, 5_000);
    assert.equal(config.memoryCeilingMb, 256);
    assert.equal(config.crashLoopWindowMs, 120_000);
    assert.equal(config.sustainMs, DEFAULT_SUPERVISION.sustainMs);
    assert.ok(Object.isFrozen(config));
  });

  it('lists every bad value and unknown key', () => {
    const problems: string[] = [];
    parseSupervision({ memoryCeilingMb: 1, sustainSeconds: 'x', bogus: 1, crashLoopBaseDelaySeconds: 100, crashLoopMaxDelaySeconds: 10 }, problems);
    assert.equal(problems.length, 4, problems.join('\n'));
    assert.match(problems.join('\n'), /unknown setting "supervision.bogus"/);
    assert.match(problems.join('\n'), /memoryCeilingMb" must be a number from 64/);
    assert.match(problems.join('\n'), /must not be below/);
    parseSupervision([], problems);
    assert.match(problems.at(-1)!, /must be an object/);
  });
});
