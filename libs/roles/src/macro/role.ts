import { MacroEvents, macroRunRequestSchema, parseMessage, type MacroStep, type RoleConfig } from '@borealis/protocol';
import { Role, type RoleAck, type RoleContext, type RoleInstance } from '../core';
import { desktopErrorAck, desktopSessionFor, type DesktopSession } from '../desktop_shared';
import { displayFromConfig } from '../screenshot/role';
import { runMacroSteps } from './macro-runner';

export interface MacroDeps {
  /** The desktop worker session (specs pass one with a test worker command). */
  session: DesktopSession;
}

/** What a log line may say about a step: its kind and size, never the text or keys (may be a password). */
function stepShape(step: MacroStep): Record<string, unknown> {
  if (step.type === 'text') return { type: 'text', chars: step.text.length };
  if (step.type === 'keys') return { type: 'keys', keys: step.keys.length };
  return { type: 'delay', ms: step.ms };
}

/**
 * Typed text, key combinations and pauses sent to the logged-in session (`macro.run`), one macro
 * at a time per agent: a second one arriving while one runs is refused with `busy` (queueing would
 * hold it past the server's ack timeout and replay input the operator may no longer expect).
 */
@Role({ name: 'macro', contexts: ['interactive'] })
export class MacroRole implements RoleInstance {
  private readonly session: DesktopSession;
  private running = false;
  private runs = 0;

  constructor(private readonly context: RoleContext, deps: Partial<MacroDeps> = {}) {
    this.session = deps.session ?? desktopSessionFor(context);
    context.signal.addEventListener('abort', () => void this.session.stop(), { once: true });
  }

  registerEvents(): void {
    this.context.on(MacroEvents.run, (payload) => this.onRun(payload));
  }

  onConfig(config: RoleConfig): void {
    this.session.setDisplay(displayFromConfig(config));
  }

  async stopAll(): Promise<void> {
    await this.session.stop(); // a step in progress fails, the rest are skipped
  }

  collectMetrics(): Record<string, number> {
    return { macro_runs: this.runs, macro_running: this.running ? 1 : 0 };
  }

  private async onRun(payload: unknown): Promise<RoleAck> {
    const parsed = parseMessage(macroRunRequestSchema, payload);
    if (!parsed.ok) return parsed;
    if (this.running) return { ok: false, code: 'busy', message: 'another macro is running on this agent; send this one when it finished' };
    this.running = true;
    this.runs++;
    const steps = parsed.value.steps;
    try {
      try {
        await this.session.ready(); // no display: one clear error, nothing typed
      } catch (err) {
        const ack = desktopErrorAck(err);
        this.context.logger.warn({ code: ack.code, err: ack.message, steps: steps.length }, 'macro not run');
        return ack;
      }
      const result = await runMacroSteps(steps, this.session, this.context.signal);
      const failedAt = result.steps.find((s) => s.status === 'failed');
      this.context.logger.info(
        { status: result.status, steps: steps.map(stepShape), failedStep: failedAt?.index, failedError: failedAt?.error },
        'macro finished',
      );
      return { ok: true, ...result };
    } finally {
      this.running = false;
    }
  }
}
