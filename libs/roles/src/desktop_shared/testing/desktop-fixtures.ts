// Shared by the desktop specs: the test worker command and a known root-window pattern.
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import { xTool, type XvfbServer } from './xvfb';

/** Starts the desktop worker like `borealis-agent desktop-worker` does (see worker-entry.ts). */
export const TEST_WORKER_COMMAND: readonly string[] = [process.execPath, join(__dirname, 'worker-entry.js')];

export const RED = [255, 0, 0] as const;
export const BLUE = [0, 0, 255] as const;

/**
 * The tile painted on the root window: 24x12, red where x < 8 on the top half and x < 16 on the
 * bottom half, blue elsewhere. Asymmetric in both axes so an offset or a channel swap shows, with
 * blocks of at least 6 px so JPEG can be checked away from edges.
 */
export const TILE = { width: 24, height: 12 };
export function isRed(x: number, y: number): boolean {
  return x % TILE.width < (y % TILE.height < TILE.height / 2 ? 8 : 16);
}
export const expectedColor = (x: number, y: number) => (isRed(x, y) ? RED : BLUE);

/** X bitmap of {@link TILE}: rows of bytes, least significant bit = leftmost pixel, 1 = foreground. */
export function tileXbm(): string {
  const bytes: string[] = [];
  for (let y = 0; y < TILE.height; y++) {
    for (let b = 0; b < TILE.width / 8; b++) {
      let byte = 0;
      for (let bit = 0; bit < 8; bit++) if (isRed(b * 8 + bit, y)) byte |= 1 << bit;
      bytes.push(`0x${byte.toString(16).padStart(2, '0')}`);
    }
  }
  return `#define tile_width ${TILE.width}\n#define tile_height ${TILE.height}\nstatic unsigned char tile_bits[] = {\n  ${bytes.join(', ')} };\n`;
}

/** Tiles the root window with the pattern (red foreground, blue background). */
export function paintPattern(server: XvfbServer): void {
  const dir = mkdtempSync(join(tmpdir(), 'borealis-xbm-'));
  try {
    const file = join(dir, 'tile.xbm');
    writeFileSync(file, tileXbm());
    xTool(server, 'xsetroot', ['-bitmap', file, '-fg', '#ff0000', '-bg', '#0000ff']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Decoded { width: number; height: number; pixel(x: number, y: number): [number, number, number] }

export function decodePng(data: Uint8Array): Decoded {
  const png = PNG.sync.read(Buffer.from(data));
  return { width: png.width, height: png.height, pixel: (x, y) => rgbAt(png.data, png.width, x, y) };
}

export function decodeJpeg(data: Uint8Array): Decoded {
  const img = jpeg.decode(Buffer.from(data), { useTArray: true });
  return { width: img.width, height: img.height, pixel: (x, y) => rgbAt(img.data, img.width, x, y) };
}

function rgbAt(data: Uint8Array, width: number, x: number, y: number): [number, number, number] {
  const i = (y * width + x) * 4;
  return [data[i]!, data[i + 1]!, data[i + 2]!];
}

/** Pixels of `image` that differ from the pattern shifted by (dx, dy); exact for PNG. */
export function patternMismatches(image: Decoded, dx: number, dy: number): string[] {
  const bad: string[] = [];
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const want = expectedColor(x + dx, y + dy);
      const got = image.pixel(x, y);
      if (got[0] !== want[0] || got[1] !== want[1] || got[2] !== want[2]) bad.push(`(${x},${y}) ${got.join(',')} != ${want.join(',')}`);
      if (bad.length >= 5) return bad;
    }
  }
  return bad;
}

/** Block centres (at least 3 px from a colour edge) that are not near the expected colour: JPEG check. */
export function jpegMismatches(image: Decoded, dx: number, dy: number, tolerance = 70): string[] {
  const bad: string[] = [];
  const edgeFree = (x: number, y: number) => {
    for (let oy = -3; oy <= 3; oy++) for (let ox = -3; ox <= 3; ox++) if (isRed(x + ox, y + oy) !== isRed(x, y)) return false;
    return true;
  };
  let checked = 0;
  for (let y = 3; y < image.height - 3; y += 2) {
    for (let x = 3; x < image.width - 3; x += 2) {
      if (!edgeFree(x + dx, y + dy)) continue;
      checked++;
      const want = expectedColor(x + dx, y + dy);
      const got = image.pixel(x, y);
      if (got.some((v, i) => Math.abs(v - want[i]!) > tolerance)) bad.push(`(${x},${y}) ${got.join(',')} !~ ${want.join(',')}`);
      if (bad.length >= 5) return bad;
    }
  }
  if (checked === 0) bad.push('no edge-free pixels checked');
  return bad;
}
