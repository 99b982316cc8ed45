import type { ProcessRunner, RunResult } from './process-runner';

/** Records every command; answers from `respond` (exit 0 by default). For service specs only. */
export class FakeRunner implements ProcessRunner {
  readonly calls: string[] = [];

  constructor(private readonly respond: (line: string) => Partial<RunResult> = () => ({})) {}

  run(command: string, args: readonly string[]): RunResult {
    const line = [command, ...args].join(' ');
    this.calls.push(line);
    return { code: 0, stdout: '', stderr: '', ...this.respond(line) };
  }
}
