import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import {
  MACRO_KEYS, MACRO_STEP_STATUSES, MAX_MACRO_DELAY_MS, MAX_MACRO_STEPS, MAX_MACRO_TEXT, MAX_MACRO_TOTAL_DELAY_MS,
} from '@borealis/protocol';

// Documentation only: the body is validated with macroRunRequestSchema (libs/protocol), which knows
// the key names and aliases; a class-validator copy of that union would drift from it.

export class MacroTextStepDto {
  @ApiProperty({ enum: ['text'] }) type!: 'text';
  @ApiProperty({ minLength: 1, maxLength: MAX_MACRO_TEXT, description: 'typed as is into the focused window; never stored or audited' }) text!: string;
}

export class MacroKeysStepDto {
  @ApiProperty({ enum: ['keys'] }) type!: 'keys';
  @ApiProperty({
    type: String, isArray: true, minItems: 1, maxItems: 8, example: ['Ctrl', 'Alt', 'T'],
    description: `pressed in order, released in reverse. Case-insensitive names: ${MACRO_KEYS.join(', ')}; aliases such as Control, Win, Cmd, Return, Esc, Del, PgUp, ArrowUp, AltGr`,
  })
  keys!: string[];
}

export class MacroDelayStepDto {
  @ApiProperty({ enum: ['delay'] }) type!: 'delay';
  @ApiProperty({ minimum: 0, maximum: MAX_MACRO_DELAY_MS, description: `pause in ms; all delays of a macro add up to at most ${MAX_MACRO_TOTAL_DELAY_MS}` }) ms!: number;
}

@ApiExtraModels(MacroTextStepDto, MacroKeysStepDto, MacroDelayStepDto)
export class MacroRunRequestDto {
  @ApiProperty({
    type: 'array', minItems: 1, maxItems: MAX_MACRO_STEPS,
    items: { oneOf: [MacroTextStepDto, MacroKeysStepDto, MacroDelayStepDto].map((model) => ({ $ref: getSchemaPath(model) })) },
    description: 'validated as a whole before anything is sent: one bad step refuses the macro',
  })
  steps!: unknown[];
}

export class MacroStepResultDto {
  @ApiProperty({ minimum: 0 }) index!: number;
  @ApiProperty({ enum: ['text', 'keys', 'delay'] }) type!: string;
  @ApiProperty({ enum: MACRO_STEP_STATUSES, description: 'steps after a failed one are skipped' }) status!: string;
  @ApiProperty() durationMs!: number;
  @ApiPropertyOptional({ description: 'why the step failed' }) error?: string;
}

export class MacroRunResultDto {
  @ApiProperty({ enum: ['succeeded', 'failed'], description: '`failed` when a step failed; the steps say which and why' }) status!: string;
  @ApiProperty({ type: MacroStepResultDto, isArray: true }) steps!: MacroStepResultDto[];
}
