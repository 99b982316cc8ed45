/** A problem retrying cannot fix (not enrolled, token refused): the agent stops and the CLI exits 1. */
export class AgentFatalError extends Error {
  override name = 'AgentFatalError';
}
