// What every benchmark script needs so it never leaves processes behind or runs unbounded:
// numeric option parsing, and cleanup of simulator fleets and servers on exit, on a signal,
// and after --max-minutes.
import { killAllServers } from './servers.mjs';
import { log } from './phase.mjs';

/** `num('agents')` reads a non-negative number option from parseArgs values, or throws. */
export function numberOptions(values) {
  return (name) => {
    const v = Number(values[name]);
    if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a number`);
    return v;
  };
}

/** Installs the cleanup; returns the set to register fleets in, the cleanup itself and a `done()` that stops the hard-stop timer. */
export function benchLifecycle(maxMinutes) {
  const fleets = new Set();
  const cleanup = () => {
    for (const f of fleets) f.kill();
    killAllServers();
  };
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { log(`${sig}: stopping`); cleanup(); process.exit(130); });
  const hardStop = setTimeout(() => { log(`--max-minutes ${maxMinutes} reached: stopping`); cleanup(); process.exit(2); }, maxMinutes * 60000);
  return { fleets, cleanup, done: () => clearTimeout(hardStop) };
}
