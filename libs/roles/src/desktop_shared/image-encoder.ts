import { MAX_IMAGE_BYTES, type ImageFormat } from '@borealis/protocol';
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import { DesktopError } from './desktop-error';

/** Raw pixels as the screen library returns them. */
export interface RawImage {
  width: number;
  height: number;
  /** Bytes per row (may exceed width * 4). */
  byteWidth: number;
  data: Buffer;
}

/**
 * The screen library (libnut, X11 XGetImage and Windows GDI alike) returns 4 bytes per pixel in
 * B, G, R, X order with the 4th byte 0, not an alpha: checked against a known `xsetroot` colour in
 * image-encoder.spec.ts. Returns tightly packed RGBA with opaque alpha.
 */
export function bgrxToRgba(raw: RawImage): Buffer {
  const out = Buffer.allocUnsafe(raw.width * raw.height * 4);
  let o = 0;
  for (let y = 0; y < raw.height; y++) {
    let i = y * raw.byteWidth;
    for (let x = 0; x < raw.width; x++, i += 4) {
      out[o++] = raw.data[i + 2]!;
      out[o++] = raw.data[i + 1]!;
      out[o++] = raw.data[i]!;
      out[o++] = 255;
    }
  }
  return out;
}

/** Encodes RGBA pixels; a result above MAX_IMAGE_BYTES is `image_too_large`. */
export function encodeRgba(rgba: Buffer, width: number, height: number, format: ImageFormat, quality: number, maxBytes = MAX_IMAGE_BYTES): Buffer {
  let data: Buffer;
  if (format === 'png') {
    const png = new PNG({ width, height });
    png.data = rgba;
    // colorType 2 (RGB): the alpha is always opaque, so dropping it saves a quarter of the raw size.
    data = PNG.sync.write(png, { colorType: 2 });
  } else {
    data = jpeg.encode({ data: rgba, width, height }, quality).data;
  }
  if (data.byteLength > maxBytes) {
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    throw new DesktopError('image_too_large', `the ${format} image is ${mb(data.byteLength)} MiB, the limit is ${mb(maxBytes)} MiB: capture a region or use jpeg`);
  }
  return data;
}
