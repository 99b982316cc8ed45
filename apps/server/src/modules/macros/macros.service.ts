import { Injectable, Logger } from '@nestjs/common';
import { MacroEvents, macroRunResultSchema, type MacroRunRequest, type MacroRunResult } from '@borealis/protocol';
import { BadGatewayError, DomainError } from '../../common/errors';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { DevicesService } from '../devices/devices.service';
import { DesktopAgent } from '../screen/desktop-agent';
import { summarizeMacro } from './macro-summary';

/** Base wait on top of the macro's own duration: starting the input backend, the round trip. */
const MACRO_TIMEOUT_MARGIN_MS = 30_000;
/** Typing is not instant: allow this much per character and per key combination. */
const MS_PER_TEXT_CHAR = 20;
const MS_PER_KEYS_STEP = 100;

/** How long to wait for `macro.run`: its delays plus a margin that grows with what it types. */
export function macroTimeoutMs(request: MacroRunRequest): number {
  let ms = MACRO_TIMEOUT_MARGIN_MS;
  for (const step of request.steps) {
    if (step.type === 'delay') ms += step.ms;
    else if (step.type === 'text') ms += step.text.length * MS_PER_TEXT_CHAR;
    else ms += MS_PER_KEYS_STEP;
  }
  return ms;
}

@Injectable()
export class MacrosService {
  private readonly logger = new Logger('Macros');

  constructor(
    private readonly devices: DevicesService,
    private readonly desktop: DesktopAgent,
    private readonly audit: AuditService,
  ) {}

  /** Runs a validated macro on the device; a failed step is a result (status `failed`), not an error. */
  async run(by: Principal, deviceId: string, request: MacroRunRequest): Promise<MacroRunResult> {
    await this.devices.getActive(deviceId);
    const summary = summarizeMacro(request.steps);
    let result: MacroRunResult;
    try {
      const ack = await this.desktop.request(deviceId, 'macro', MacroEvents.run, request, macroTimeoutMs(request));
      result = this.checkResult(deviceId, request, ack);
    } catch (error) {
      await this.audit.record({ type: 'token', principal: by }, {
        action: 'macro.run', targetType: 'device', targetId: deviceId,
        details: { ...summary, outcome: 'error', error: error instanceof DomainError ? error.code : 'internal_error' },
      });
      throw error;
    }
    const failed = result.steps.find((step) => step.status === 'failed');
    await this.audit.record({ type: 'token', principal: by }, {
      action: 'macro.run', targetType: 'device', targetId: deviceId,
      details: { ...summary, outcome: result.status, ...(failed ? { failedStep: failed.index } : {}) },
    });
    return result;
  }

  /** The agent must report every step of this macro, in order, with a status that matches them. */
  private checkResult(deviceId: string, request: MacroRunRequest, ack: unknown): MacroRunResult {
    const parsed = macroRunResultSchema.safeParse(ack);
    const problem = !parsed.success
      ? parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
      : parsed.data.steps.length !== request.steps.length
        ? `${parsed.data.steps.length} step results for ${request.steps.length} steps`
        : parsed.data.steps.some((step, i) => step.index !== i || step.type !== request.steps[i]!.type)
          ? 'step results do not match the steps'
          : parsed.data.status !== (parsed.data.steps.every((s) => s.status === 'succeeded') ? 'succeeded' : 'failed')
            ? 'status does not match the step results'
            : undefined;
    if (problem !== undefined || !parsed.success) {
      this.logger.warn({ deviceId, problem }, 'invalid macro.run ack');
      throw new BadGatewayError('invalid_agent_answer', 'the agent sent a macro result that failed validation', { deviceId, problem });
    }
    return { status: parsed.data.status, steps: parsed.data.steps };
  }
}
