/**
 * Worker process of the fleet simulator (forked by {@link Fleet}). It owns a slice of the
 * simulated agents, because one process may hold at most ~20,000 open files; it opens them
 * at its share of the ramp rate and reports cumulative counters plus a latency histogram
 * delta to the parent at a fixed cadence.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SimAgent } from './sim-agent';
import { type ParentToWorker, type WorkerAssignment, type WorkerToParent } from './sim-types';
import { CountingSink } from './counting-sink';

const RAMP_TICK_MS = 20;
/**
 * Connection attempts of one worker still waiting for their first outcome. Past this the ramp
 * waits: a server (or a simulator) that falls behind would otherwise get ever more handshakes
 * in flight, time them all out and collapse, measuring the storm instead of the server.
 */
const MAX_FIRST_ATTEMPTS_IN_FLIGHT = 64;

const sink = new CountingSink();
const agents: SimAgent[] = [];
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
let assignment: WorkerAssignment | undefined;
let rampTimer: NodeJS.Timeout | undefined;
let reportTimer: NodeJS.Timeout | undefined;
let stopping = false;

function send(msg: WorkerToParent): void {
  if (process.connected) process.send?.(msg);
}

function report(final: boolean): void {
  if (!assignment) return;
  const p99 = loopDelay.percentile(99) / 1e6;
  loopDelay.reset();
  send({
    type: 'stats',
    workerId: assignment.workerId,
    at: Date.now(),
    counters: sink.counters,
    latency: sink.latency.toWire(),
    loopDelayP99Ms: Math.round(p99 * 10) / 10,
    final,
  });
  sink.latency.reset();
}

function start(a: WorkerAssignment): void {
  assignment = a;
  loopDelay.enable();
  for (const c of a.clients) agents.push(new SimAgent(c.credential, a.settings, sink, c.localAddress));
  // Opens `rampPerSecond` connects per second in small ticks, carrying the fraction over, so
  // the server sees a steady arrival rate rather than one burst per second.
  let next = 0;
  let budget = 0;
  rampTimer = setInterval(() => {
    budget += (a.rampPerSecond * RAMP_TICK_MS) / 1000;
    // Unspent budget is dropped while throttled: the ramp resumes at its rate, not in a burst.
    if (next - sink.settledFirstAttempts >= MAX_FIRST_ATTEMPTS_IN_FLIGHT) budget = Math.min(budget, 1);
    while (budget >= 1 && next < agents.length && next - sink.settledFirstAttempts < MAX_FIRST_ATTEMPTS_IN_FLIGHT) {
      agents[next++].start();
      budget--;
    }
    if (next >= agents.length) clearInterval(rampTimer);
  }, RAMP_TICK_MS);
  reportTimer = setInterval(() => report(false), a.reportMs);
}

function stop(): void {
  if (stopping) return;
  stopping = true;
  clearInterval(rampTimer);
  clearInterval(reportTimer);
  for (const agent of agents) agent.stop();
  report(true);
  // Give the close frames a moment to leave, then go; the parent also kills stragglers.
  setTimeout(() => process.exit(0), 300).unref();
}

process.on('message', (msg: ParentToWorker) => {
  if (msg.type === 'start') start(msg.assignment);
  else if (msg.type === 'stop') stop();
});
// Ctrl-C reaches the whole process group: let the parent decide, so final stats still arrive.
process.on('SIGINT', () => undefined);
// An orphaned worker (parent died) must not keep thousands of sockets open.
process.on('disconnect', () => {
  stop();
  setTimeout(() => process.exit(0), 500).unref();
});
send({ type: 'ready' });
