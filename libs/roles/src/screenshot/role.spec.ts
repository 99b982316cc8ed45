import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ScreenEvents, type ScreenFrame } from '@borealis/protocol';
import { createFakeRoleContext, roleRegistry, type RoleAck } from '../core';
import {
  decodeJpeg, decodePng, jpegMismatches, paintPattern, patternMismatches, TEST_WORKER_COMMAND,
} from '../desktop_shared/testing/desktop-fixtures';
import { startXvfb, xTool, type XvfbServer } from '../desktop_shared/testing/xvfb';
import { ScreenshotRole } from './role';

interface Image { ok: true; format: string; width: number; height: number; capturedAt: number; data: Buffer }
/** A capture ack as the image it must be (fails the test otherwise). */
async function image(ack: Promise<RoleAck>): Promise<Image> {
  const value = await ack;
  assert.equal(value.ok, true, JSON.stringify(value).slice(0, 300));
  return value as unknown as Image;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it is true or `ms` passed; every wait in these specs is bounded. */
async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const roles: ScreenshotRole[] = [];
function setup(display: string | undefined, respond?: (event: string, payload: unknown) => RoleAck | Promise<RoleAck>) {
  const fake = createFakeRoleContext({ name: 'screenshot', agent: { selfCommand: TEST_WORKER_COMMAND }, respond });
  const role = new ScreenshotRole(fake.context);
  roles.push(role);
  role.registerEvents();
  role.onConfig(display ? { display } : {});
  return { fake, role };
}

describe('screenshot role (real Xvfb)', { timeout: 120_000 }, () => {
  let x: XvfbServer;
  before(async () => {
    x = await startXvfb({ width: 320, height: 200 });
    paintPattern(x);
    // Two virtual monitors listed by xrandr: "right" first (index 0) at x=162, then "left"; none is
    // marked primary, so the first listed counts as primary.
    xTool(x, 'xrandr', ['--setmonitor', 'right', '158/50x200/50+162+0', 'none']);
    xTool(x, 'xrandr', ['--setmonitor', 'left', '162/50x200/50+0+0', 'screen']); // replaces the default monitor
  });
  after(async () => {
    await Promise.all(roles.map((r) => r.stopAll()));
    await x?.stop();
  });

  it('is registered for the interactive context', () => {
    assert.equal(roleRegistry.get('screenshot')?.ctor, ScreenshotRole);
    assert.deepEqual(roleRegistry.get('screenshot')?.contexts, ['interactive']);
  });

  it('captures the whole screen as PNG with exactly the painted pixels, and as JPEG within tolerance', async () => {
    const { fake, role } = setup(x.display);
    const png = await image(fake.deliver(ScreenEvents.capture, {}));
    assert.equal(png.ok, true, JSON.stringify(png).slice(0, 300));
    assert.equal(png.format, 'png');
    assert.ok(Buffer.isBuffer(png.data));
    const decoded = decodePng(png.data);
    assert.deepEqual([png.width, png.height, decoded.width, decoded.height], [320, 200, 320, 200]);
    assert.deepEqual(patternMismatches(decoded, 0, 0), []);

    const jpg = await image(fake.deliver(ScreenEvents.capture, { format: 'jpeg', quality: 90 }));
    assert.equal(jpg.format, 'jpeg');
    const decodedJpeg = decodeJpeg(jpg.data);
    assert.deepEqual([decodedJpeg.width, decodedJpeg.height], [320, 200]);
    assert.deepEqual(jpegMismatches(decodedJpeg, 0, 0), []);
    assert.equal(role.collectMetrics().screen_captures, 2);
  });

  it('captures exactly a region, and a display (with a region inside it)', async () => {
    const { fake } = setup(x.display);
    const region = await image(fake.deliver(ScreenEvents.capture, { region: { x: 37, y: 5, width: 50, height: 21 } }));
    const r = decodePng(region.data);
    assert.deepEqual([region.width, region.height, r.width, r.height], [50, 21, 50, 21]);
    assert.deepEqual(patternMismatches(r, 37, 5), [], 'the pattern at offset 37,5');

    const info = await fake.deliver(ScreenEvents.info, {});
    assert.deepEqual(info, {
      ok: true, width: 320, height: 200,
      displays: [{ index: 0, x: 162, y: 0, width: 158, height: 200, primary: true }, { index: 1, x: 0, y: 0, width: 162, height: 200, primary: false }],
    });
    const display = await image(fake.deliver(ScreenEvents.capture, { display: 0 }));
    const d = decodePng(display.data);
    assert.deepEqual([d.width, d.height], [158, 200]);
    assert.deepEqual(patternMismatches(d, 162, 0), [], 'display 0 starts at x=162');
    const inside = decodePng((await image(fake.deliver(ScreenEvents.capture, { display: 0, region: { x: 3, y: 7, width: 10, height: 10 } }))).data);
    assert.deepEqual(patternMismatches(inside, 165, 7), []);
  });

  it('answers bad_region with the bounds, and bad_message for an invalid request', async () => {
    const { fake } = setup(x.display);
    const bad = await fake.deliver(ScreenEvents.capture, { region: { x: 300, y: 0, width: 40, height: 10 } });
    assert.deepEqual(bad, { ok: false, code: 'bad_region', message: 'region 300,0 40x10 is outside the screen (0,0 320x200)' });
    const badDisplay = await fake.deliver(ScreenEvents.capture, { display: 5 }) as { code: string; message: string };
    assert.equal(badDisplay.code, 'bad_region');
    assert.match(badDisplay.message, /display 5 does not exist: 2 display/);
    assert.equal((await fake.deliver(ScreenEvents.capture, { format: 'gif' }) as { code: string }).code, 'bad_message');
  });

  it('answers display_unavailable without a display, and the test process survives', async () => {
    const { fake, role } = setup(':4999');
    const ack = await fake.deliver(ScreenEvents.capture, {}) as { ok: boolean; code: string; message: string };
    assert.equal(ack.code, 'display_unavailable');
    assert.match(ack.message, /X server :4999 not reachable/);
    const start = await fake.deliver(ScreenEvents.streamStart, { streamId: randomUUID(), fps: 5 }) as { code: string };
    assert.equal(start.code, 'display_unavailable', 'a stream does not start without a display');
    assert.equal(role.collectMetrics().screen_streams, 0);
  });

  it('captures nothing while no stream is open', async () => {
    const { role } = setup(x.display);
    await sleep(2500);
    assert.deepEqual(role.collectMetrics(), { screen_captures: 0, screen_streams: 0 });
  });

  it('streams frames at the set rate, each capture waiting for the previous ack', async () => {
    let hold = false;
    const held: (() => void)[] = [];
    const { fake, role } = setup(x.display, (event) => {
      if (event !== ScreenEvents.frame || !hold) return { ok: true, continue: true };
      return new Promise<RoleAck>((resolve) => held.push(() => resolve({ ok: true, continue: true })));
    });
    const streamId = randomUUID();
    assert.deepEqual(await fake.deliver(ScreenEvents.streamStart, { streamId, fps: 5, format: 'jpeg', quality: 50, region: { x: 0, y: 0, width: 64, height: 32 } }), { ok: true });
    await waitFor(() => fake.emitted(ScreenEvents.frame).length >= 6, 10_000, '6 frames');
    const frames = fake.emitted(ScreenEvents.frame) as ScreenFrame[];
    assert.deepEqual(frames.slice(0, 6).map((f) => f.seq), [0, 1, 2, 3, 4, 5]);
    assert.ok(frames.every((f) => f.streamId === streamId && f.format === 'jpeg' && f.width === 64 && f.height === 32));
    for (let i = 1; i < 6; i++) {
      const gap = frames[i]!.capturedAt - frames[i - 1]!.capturedAt;
      assert.ok(gap >= 195, `frame ${i} came ${gap} ms after the previous one; 5 fps means >= 200 ms`);
    }

    hold = true;
    const before = fake.emitted(ScreenEvents.frame).length;
    await waitFor(() => held.length === 1, 5_000, 'a held frame');
    const capturesWhileHeld = role.collectMetrics().screen_captures;
    await sleep(1200); // 6 ticks at 5 fps
    assert.equal(role.collectMetrics().screen_captures, capturesWhileHeld, 'no capture while the frame is not acked');
    assert.equal(fake.emitted(ScreenEvents.frame).length, before + 1);
    hold = false;
    held.shift()!();
    await waitFor(() => fake.emitted(ScreenEvents.frame).length >= before + 3, 5_000, 'frames after the ack');

    assert.deepEqual(await fake.deliver(ScreenEvents.streamStop, { streamId }), { ok: true });
    assert.equal(role.collectMetrics().screen_streams, 0);
    await sleep(300); // a capture in flight may still finish
    const stoppedAt = fake.emitted(ScreenEvents.frame).length;
    await sleep(800);
    assert.equal(fake.emitted(ScreenEvents.frame).length, stoppedAt, 'no frames after stop');
    assert.deepEqual(await fake.deliver(ScreenEvents.streamStop, { streamId }), { ok: true }, 'unknown ids are acked too');
  });

  it('stops a stream when a frame ack says continue:false, and all streams on stopAll', async () => {
    let sent = 0;
    const first = randomUUID();
    const { fake, role } = setup(x.display, (event, payload) => {
      if (event !== ScreenEvents.frame || (payload as ScreenFrame).streamId !== first) return { ok: true, continue: true };
      return { ok: true, continue: ++sent < 3 };
    });
    await fake.deliver(ScreenEvents.streamStart, { streamId: first, fps: 10, format: 'png', region: { x: 0, y: 0, width: 8, height: 8 } });
    await waitFor(() => role.collectMetrics().screen_streams === 0, 5_000, 'the stream to end');
    await sleep(500);
    assert.equal(fake.emitted(ScreenEvents.frame).length, 3);

    await fake.deliver(ScreenEvents.streamStart, { streamId: randomUUID(), fps: 10, region: { x: 0, y: 0, width: 8, height: 8 } });
    await fake.deliver(ScreenEvents.streamStart, { streamId: randomUUID(), fps: 10, region: { x: 8, y: 0, width: 8, height: 8 } });
    assert.equal(role.collectMetrics().screen_streams, 2);
    await role.stopAll();
    assert.equal(role.collectMetrics().screen_streams, 0);
    await sleep(300);
    const afterStop = fake.emitted(ScreenEvents.frame).length;
    await sleep(600);
    assert.equal(fake.emitted(ScreenEvents.frame).length, afterStop, 'no frames after stopAll');
  });
});
