import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { ScreenEvents, type CapturedImage, type ScreenFrame } from '@borealis/protocol';
import type { RoleAck } from '../core';
import { ScreenStream, type ScreenStreamDeps } from './screen-stream';

const image = (capturedAt: number): CapturedImage => ({ format: 'png', width: 1, height: 1, capturedAt, data: new Uint8Array([1]) });

/** A stream over fake captures and a fake server; `fail` makes the next captures throw. */
function harness(respond: (frame: ScreenFrame) => RoleAck, fps = 20) {
  const frames: ScreenFrame[] = [];
  const state = { captures: 0, fail: 0, ended: '' };
  const deps: ScreenStreamDeps = {
    capture: async () => {
      state.captures++;
      if (state.fail > 0) {
        state.fail--;
        throw new Error('display gone');
      }
      return image(Date.now());
    },
    emit: async (event, payload) => {
      assert.equal(event, ScreenEvents.frame);
      frames.push(payload as ScreenFrame);
      return respond(payload as ScreenFrame);
    },
    now: Date.now,
    logger: pino({ level: 'silent' }),
    ended: (_s, reason) => { state.ended = reason; },
  };
  const stream = new ScreenStream({ streamId: randomUUID(), fps, format: 'png', quality: 80 }, deps);
  return { stream, frames, state };
}

describe('ScreenStream loop', () => {
  it('numbers frames and ends when the server answers continue:false', async () => {
    const { stream, frames, state } = harness((f) => ({ ok: true, continue: f.seq < 2 }));
    await stream.run(image(Date.now()));
    assert.deepEqual(frames.map((f) => f.seq), [0, 1, 2]);
    assert.equal(state.captures, 2, 'the first frame came from the start capture');
    assert.match(state.ended, /no viewer left/);
    assert.equal(stream.stopped, true);
  });

  it('ends when a frame is not acknowledged (offline)', async () => {
    const { stream, frames, state } = harness(() => ({ ok: false, code: 'offline', message: 'not connected' }));
    await stream.run(image(Date.now()));
    assert.equal(frames.length, 1);
    assert.match(state.ended, /did not take frame 0: offline/);
  });

  it('keeps trying after failed captures and sends again once capturing works', async () => {
    const { stream, frames, state } = harness((f) => ({ ok: true, continue: f.seq < 1 }));
    state.fail = 2;
    await stream.run(image(Date.now()));
    assert.deepEqual(frames.map((f) => f.seq), [0, 1]);
    assert.equal(state.captures, 3, 'two failures, then a frame');
  });

  it('stop() ends the loop while it sleeps, without an ended callback', async () => {
    const { stream, state } = harness(() => ({ ok: true, continue: true }), 0.5);
    const done = stream.run(image(Date.now()));
    await new Promise((r) => setTimeout(r, 50));
    stream.stop();
    await done;
    assert.equal(state.captures, 0);
    assert.equal(state.ended, '');
  });
});
