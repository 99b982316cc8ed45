import { z } from 'zod';

/**
 * Screenshots and the live screen stream (role `screenshot`, context `interactive`).
 *
 * One-shot: the server sends `screen.capture` and the agent answers in the ack with the encoded
 * image as a binary attachment. Live: while at least one `/ui` client watches a device, the server
 * keeps one stream open on its agent (`screen.stream.start` ... `screen.stream.stop`); the agent
 * captures, sends `screen.frame`, and waits for that frame's ack before it captures the next one,
 * so frames are never produced faster than the server (and, through it, the viewers) take them.
 */
export const ScreenEvents = {
  /** server -> agent `{}`; ack {@link ScreenInfoAck}: the displays, in full-screen pixel coordinates. */
  info: 'screen.info',
  /** server -> agent {@link ScreenCaptureRequest}; ack {@link ScreenCaptureAck}. */
  capture: 'screen.capture',
  /** server -> agent {@link ScreenStreamStart}; ack `{ok:true}` once capturing, or an error. */
  streamStart: 'screen.stream.start',
  /** server -> agent `{streamId}`; ack `{ok:true}`. Unknown ids are acked too (idempotent). */
  streamStop: 'screen.stream.stop',
  /**
   * agent -> server {@link ScreenFrame}; ack `{ok:true, continue}`. `continue:false` (the stream
   * is no longer wanted) makes the agent stop that stream at once, even if `stream.stop` is lost.
   */
  frame: 'screen.frame',
} as const;

/** Events on `/ui` for the live screen (scope `screen:read`). */
export const UiScreenEvents = {
  /** client -> server {@link ScreenWatchRequest}; ack `{ok:true, streamId, fps, format, quality}` or an error. */
  watch: 'screen.watch',
  /** client -> server `{deviceId}`; ack `{ok:true}`. Disconnecting unwatches everything. */
  unwatch: 'screen.unwatch',
  /**
   * server -> client {@link UiScreenFrame}, with an ack callback: a viewer gets the next frame only
   * after it acked the previous one; frames arriving meanwhile are skipped for that viewer.
   */
  frame: 'screen.frame',
  /** server -> client `{deviceId, reason}`: the stream ended (device offline, agent error). */
  ended: 'screen.ended',
} as const;

export const IMAGE_FORMATS = ['png', 'jpeg'] as const;
export const imageFormatSchema = z.enum(IMAGE_FORMATS);
export type ImageFormat = z.infer<typeof imageFormatSchema>;
export const IMAGE_MIME_TYPES: Record<ImageFormat, string> = { png: 'image/png', jpeg: 'image/jpeg' };

/** The largest encoded image an agent sends; larger captures fail with `image_too_large` (use JPEG or a region). */
export const MAX_IMAGE_BYTES = 12 * 1024 * 1024;
export const DEFAULT_JPEG_QUALITY = 80;
export const DEFAULT_STREAM_FPS = 2;
export const MAX_STREAM_FPS = 10;

const pixels = z.number().int().min(0).max(65_535);
const extent = z.number().int().min(1).max(65_535);

/** A rectangle in full-screen pixel coordinates (the space of an unscaled full capture). */
export const screenRegionSchema = z.object({ x: pixels, y: pixels, width: extent, height: extent });
export type ScreenRegion = z.infer<typeof screenRegionSchema>;

/**
 * What to capture: everything (default), one display by index (`GET .../screen` lists them), or a
 * region. `region` with `display` is relative to that display's top-left corner.
 */
export const screenCaptureOptionsSchema = z.object({
  display: z.number().int().min(0).max(63).optional(),
  region: screenRegionSchema.optional(),
  format: imageFormatSchema.default('png'),
  /** JPEG quality 1-100; ignored for PNG. */
  quality: z.number().int().min(1).max(100).default(DEFAULT_JPEG_QUALITY),
});
export type ScreenCaptureOptions = z.infer<typeof screenCaptureOptionsSchema>;

export const screenCaptureRequestSchema = screenCaptureOptionsSchema;
export type ScreenCaptureRequest = ScreenCaptureOptions;

export const displaySchema = z.object({
  index: z.number().int().min(0),
  x: z.number().int(), y: z.number().int(), width: extent, height: extent,
  primary: z.boolean(),
});
export type DisplayInfo = z.infer<typeof displaySchema>;

export const screenInfoSchema = z.object({
  /** Size of the full (virtual) screen a capture without options returns. */
  width: extent,
  height: extent,
  displays: z.array(displaySchema).max(64),
});
export type ScreenInfo = z.infer<typeof screenInfoSchema>;
export type ScreenInfoAck = ({ ok: true } & ScreenInfo) | ScreenErrorAck;

export const capturedImageSchema = z.object({
  format: imageFormatSchema,
  width: extent,
  height: extent,
  capturedAt: z.number().int().nonnegative(),
  /** Encoded bytes (Socket.IO binary attachment). */
  data: z.instanceof(Uint8Array).refine((d) => d.byteLength > 0 && d.byteLength <= MAX_IMAGE_BYTES, 'image size out of range'),
});
export type CapturedImage = z.infer<typeof capturedImageSchema>;
export type ScreenCaptureAck = ({ ok: true } & CapturedImage) | ScreenErrorAck;

/**
 * Errors both screen and macro roles answer with. `display_unavailable`: no display to use (no
 * `DISPLAY`, X server gone, the screen library crashed) — the message says which.
 * `display_locked`: the session is locked or on the secure desktop.
 */
export const DESKTOP_ERROR_CODES = ['display_unavailable', 'display_locked', 'bad_region', 'image_too_large', 'capture_failed', 'bad_message'] as const;
export type DesktopErrorCode = (typeof DESKTOP_ERROR_CODES)[number];
export interface ScreenErrorAck { ok: false; code: DesktopErrorCode; message: string; details?: unknown }

export const screenStreamStartSchema = screenCaptureOptionsSchema.extend({
  streamId: z.string().uuid(),
  fps: z.number().min(0.1).max(MAX_STREAM_FPS).default(DEFAULT_STREAM_FPS),
});
export type ScreenStreamStart = z.infer<typeof screenStreamStartSchema>;

export const screenStreamStopSchema = z.object({ streamId: z.string().uuid() });

export const screenFrameSchema = capturedImageSchema.extend({
  streamId: z.string().uuid(),
  seq: z.number().int().nonnegative(),
});
export type ScreenFrame = z.infer<typeof screenFrameSchema>;
export interface ScreenFrameAck { ok: true; continue: boolean }

export const screenWatchRequestSchema = screenCaptureOptionsSchema.extend({
  deviceId: z.string().uuid(),
  fps: z.number().min(0.1).max(MAX_STREAM_FPS).default(DEFAULT_STREAM_FPS),
});
export type ScreenWatchRequest = z.infer<typeof screenWatchRequestSchema>;

/** What a `/ui` viewer receives per frame. */
export interface UiScreenFrame {
  deviceId: string;
  streamId: string;
  seq: number;
  format: ImageFormat;
  width: number;
  height: number;
  capturedAt: number;
  data: Uint8Array;
}
