// Baseline of bench:screen-stream: the least any agent must do to stream this screen — grab it
// with the same screen library and encode it with the same encoder, at the same rate — in one
// plain Node process with no IPC, socket or server. Usage: node bare-capture-loop.mjs FPS FORMAT QUALITY
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const nut = require('@nut-tree-fork/nut-js');
const { bgrxToRgba, encodeRgba } = require('../../libs/roles/dist/desktop_shared/image-encoder.js');

const [fps, format, quality] = [Number(process.argv[2] ?? 2), process.argv[3] ?? 'jpeg', Number(process.argv[4] ?? 80)];
const periodMs = 1000 / fps;
process.on('SIGTERM', () => process.exit(0));
for (;;) {
  const started = performance.now();
  const image = await nut.screen.grab();
  const data = encodeRgba(bgrxToRgba(image), image.width, image.height, format, quality);
  process.stdout.write(`${data.byteLength}\n`); // one line per frame: the bench counts its window
  await new Promise((r) => setTimeout(r, Math.max(0, periodMs - (performance.now() - started))));
}
