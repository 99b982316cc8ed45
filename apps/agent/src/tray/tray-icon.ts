import { deflateSync } from 'node:zlib';

/** Tray icons drawn at run time (no image files to ship): a filled circle, green online, grey offline. */
export type TrayIconState = 'online' | 'offline';

const COLORS: Record<TrayIconState, [number, number, number]> = { online: [0x2e, 0xa0, 0x43], offline: [0x8a, 0x8f, 0x98] };
const SIZE = 32;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** 32x32 RGBA PNG of the state's circle, anti-aliased edge. */
export function trayIconPng(state: TrayIconState): Buffer {
  const [r, g, b] = COLORS[state];
  const rows: Buffer[] = [];
  const center = (SIZE - 1) / 2;
  const radius = SIZE / 2 - 2;
  for (let y = 0; y < SIZE; y++) {
    const row = Buffer.alloc(1 + SIZE * 4); // filter byte 0 (none)
    for (let x = 0; x < SIZE; x++) {
      const d = Math.hypot(x - center, y - center);
      const alpha = Math.round(255 * Math.min(1, Math.max(0, radius - d + 0.5)));
      row.set([r, g, b, alpha], 1 + x * 4);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** An .ico holding the PNG (Windows Vista+ reads PNG-compressed icon entries): the Windows helper wants ICO bytes. */
export function trayIconIco(state: TrayIconState): Buffer {
  const png = trayIconPng(state);
  const header = Buffer.alloc(6 + 16);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(1, 4); // one image
  header.set([SIZE, SIZE, 0, 0], 6); // width, height, palette, reserved
  header.writeUInt16LE(1, 10); // planes
  header.writeUInt16LE(32, 12); // bits per pixel
  header.writeUInt32LE(png.length, 14);
  header.writeUInt32LE(header.length, 18);
  return Buffer.concat([header, png]);
}

/** Base64 icon in the format the helper of this platform expects (systray2: ICO on Windows, PNG elsewhere). */
export function trayIconBase64(state: TrayIconState, platform: NodeJS.Platform = process.platform): string {
  return (platform === 'win32' ? trayIconIco(state) : trayIconPng(state)).toString('base64');
}
