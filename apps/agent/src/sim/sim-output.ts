/**
 * What a simulated script prints. The simulator runs no shell: `echo` lines are answered as a
 * shell would (so `echo hi` stores `hi\n`, the figure a real agent would send back), anything
 * else with one fixed line, so stored output can be compared with what the agent produced.
 */
export const FIXED_OUTPUT = 'borealis-sim: script simulated\n';

export function simulatedStdout(payload: unknown): string {
  const script = typeof payload === 'object' && payload !== null ? (payload as { script?: unknown }).script : undefined;
  if (typeof script !== 'string') return FIXED_OUTPUT;
  const lines = script.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  const echoed: string[] = [];
  for (const line of lines) {
    const match = /^echo(?:\s+(.*))?$/.exec(line);
    if (!match) return FIXED_OUTPUT;
    echoed.push(unquote(match[1] ?? ''));
  }
  return echoed.length > 0 ? `${echoed.join('\n')}\n` : FIXED_OUTPUT;
}

/** One level of matching single or double quotes, as in `echo "hi there"`; no expansion. */
function unquote(text: string): string {
  const quoted = /^(['"])(.*)\1$/.exec(text);
  return quoted ? quoted[2] : text;
}
