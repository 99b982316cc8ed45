import type { DesktopErrorCode, ScreenErrorAck } from '@borealis/protocol';

/** A failure a screen or macro request answers with; `code` is one of the protocol's desktop codes. */
export class DesktopError extends Error {
  constructor(readonly code: DesktopErrorCode, message: string) {
    super(message);
    this.name = 'DesktopError';
  }
}

/** The error ack for anything thrown while serving a request; unknown errors become `capture_failed`. */
export function desktopErrorAck(err: unknown): ScreenErrorAck {
  if (err instanceof DesktopError) return { ok: false, code: err.code, message: err.message };
  return { ok: false, code: 'capture_failed', message: err instanceof Error ? err.message : String(err) };
}
