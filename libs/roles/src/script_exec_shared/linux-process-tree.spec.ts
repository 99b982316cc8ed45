import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ProcessTreeTracker, parseProcStat, type ProcEntry } from './linux-process-tree';

const p = (pid: number, ppid: number, pgrp: number, session: number, state = 'S'): ProcEntry => ({ pid, ppid, pgrp, session, state });

describe('process tree tracking (pure, synthetic /proc)', () => {
  it('parses /proc/<pid>/stat, including a comm with spaces and parentheses', () => {
    assert.deepEqual(parseProcStat('4242 (my (odd) name) S 4200 4242 4242 0 -1 4194560 1 0'), { pid: 4242, ppid: 4200, pgrp: 4242, session: 4242, state: 'S' });
    assert.equal(parseProcStat('garbage'), undefined);
  });

  it('targets descendants and everything in their groups and sessions, never the agent or its group', () => {
    const agent = p(100, 1, 100, 50);
    const tracker = new ProcessTreeTracker(200, agent);
    const table = [
      agent,
      p(101, 100, 100, 50), // another child of the agent, in its group: not a target
      p(200, 100, 200, 200), // the run (detached: own session)
      p(201, 200, 200, 200),
      p(202, 201, 300, 300), // setsid'd grandchild: own session, found as a descendant
      p(203, 202, 300, 300),
      p(204, 200, 200, 200, 'Z'), // zombie: nothing to signal
      p(900, 1, 900, 900), // unrelated
    ];
    assert.deepEqual(tracker.targets(table), [200, 201, 202, 203]);
  });

  it('still finds re-parented orphans once the run itself has exited, through the groups seen before', () => {
    const agent = p(100, 1, 100, 50);
    const tracker = new ProcessTreeTracker(200, agent);
    tracker.targets([agent, p(200, 100, 200, 200), p(201, 200, 200, 200), p(202, 201, 300, 300)]);
    // The run died; its children now hang off init.
    assert.deepEqual(tracker.targets([agent, p(201, 1, 200, 200), p(202, 1, 300, 300), p(900, 1, 900, 900)]), [201, 202]);
  });
});
