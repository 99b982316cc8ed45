import type { ImageFormat, MacroKey, ScreenInfo, ScreenRegion, DesktopErrorCode } from '@borealis/protocol';

/**
 * Messages between the agent (parent) and its desktop worker child over the IPC channel
 * (`serialization: 'advanced'`, so image bytes cross as binary, not base64). Every request has an
 * id; the worker answers each exactly once, one request at a time, in arrival order.
 */
export type WorkerRequest =
  /** Loads the screen library and reads the screen size: proves the display works. */
  | { id: number; op: 'ping' }
  | { id: number; op: 'info' }
  | { id: number; op: 'capture'; display?: number; region?: ScreenRegion; format: ImageFormat; quality: number }
  | { id: number; op: 'type'; text: string }
  /** Pressed in order, released in reverse. */
  | { id: number; op: 'keys'; keys: MacroKey[] };

export type WorkerOp = WorkerRequest['op'];

export interface WorkerCapture {
  format: ImageFormat;
  width: number;
  height: number;
  data: Uint8Array;
}

export interface WorkerResults {
  ping: { width: number; height: number };
  info: ScreenInfo;
  capture: WorkerCapture;
  type: Record<string, never>;
  keys: Record<string, never>;
}

export type WorkerResponse =
  | { id: number; ok: true; result: WorkerResults[WorkerOp] }
  | { id: number; ok: false; code: DesktopErrorCode; message: string };

/** The hidden agent subcommand that runs the worker (apps/agent/src/cli.ts). */
export const DESKTOP_WORKER_COMMAND = 'desktop-worker';
