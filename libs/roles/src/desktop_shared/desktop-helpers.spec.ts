import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MACRO_KEYS } from '@borealis/protocol';
import { captureRect } from './capture-rect';
import { DesktopError } from './desktop-error';
import { bgrxToRgba, encodeRgba } from './image-encoder';
import { KEYS_THE_SCREEN_LIBRARY_CANNOT_SEND, NUT_KEY_BY_MACRO_KEY } from './macro-key-map';
import { parseWindowsScreens, parseXrandrMonitors } from './monitor-parsers';
import { parseXDisplay, xDisplayProblem, type XDisplayCheckDeps } from './x-display-check';
import { parseXmodmapShiftMap, planTyping, US_SHIFT_MAP } from './x11-typing';

const screen = { width: 3200, height: 1080 };

describe('desktop helpers', () => {
  it('parses xrandr --listactivemonitors (primary, virtual monitors, clipping)', () => {
    const text = 'Monitors: 3\n 0: +*DP-1 1920/598x1080/336+0+0  DP-1\n 1: +HDMI-1 1280/340x1024/270+1920+0  HDMI-1\n 2: right 160/50x200/50+3100+0 \n';
    assert.deepEqual(parseXrandrMonitors(text, screen), [
      { index: 0, x: 0, y: 0, width: 1920, height: 1080, primary: true },
      { index: 1, x: 1920, y: 0, width: 1280, height: 1024, primary: false },
      { index: 2, x: 3100, y: 0, width: 100, height: 200, primary: false },
    ]);
    assert.deepEqual(parseXrandrMonitors('Monitors: 1\n 0: +screen 320/85x200/53+0+0  screen\n', { width: 320, height: 200 }),
      [{ index: 0, x: 0, y: 0, width: 320, height: 200, primary: true }], 'no * mark: the first is primary');
    assert.deepEqual(parseXrandrMonitors('garbage', screen), []);
  });

  it('parses the Windows Screen list and drops monitors outside the primary space', () => {
    const text = '0,0,1920,1080,True\r\n1920,0,1280,1024,False\r\n-1280,0,1280,1024,False\r\n';
    assert.deepEqual(parseWindowsScreens(text, screen), [
      { index: 0, x: 0, y: 0, width: 1920, height: 1080, primary: true },
      { index: 1, x: 1920, y: 0, width: 1280, height: 1024, primary: false },
    ]);
  });

  it('resolves capture rectangles and answers bad_region with the bounds', () => {
    const displays = parseXrandrMonitors(' 0: +*A 1920/1x1080/1+0+0 A\n 1: +B 1280/1x1024/1+1920+0 B\n', screen);
    assert.deepEqual(captureRect(screen, displays, {}), { x: 0, y: 0, width: 3200, height: 1080 });
    assert.deepEqual(captureRect(screen, displays, { display: 1 }), { x: 1920, y: 0, width: 1280, height: 1024 });
    assert.deepEqual(captureRect(screen, displays, { display: 1, region: { x: 10, y: 20, width: 30, height: 40 } }), { x: 1930, y: 20, width: 30, height: 40 });
    const bad = (fn: () => unknown, message: RegExp) => assert.throws(fn, (err: unknown) => err instanceof DesktopError && err.code === 'bad_region' && message.test(err.message));
    bad(() => captureRect(screen, displays, { region: { x: 3000, y: 0, width: 300, height: 10 } }), /outside the screen \(0,0 3200x1080\)/);
    bad(() => captureRect(screen, displays, { display: 1, region: { x: 0, y: 1000, width: 10, height: 25 } }), /outside display 1 \(0,0 1280x1024\)/);
    bad(() => captureRect(screen, displays, { display: 2 }), /display 2 does not exist: 2 display/);
  });

  it('converts the screen library B,G,R,X rows (with row padding) to RGBA', () => {
    // 2x1 image, byteWidth 12 (4 bytes of padding): pixel 0 is #ff8000, pixel 1 is #0000ff.
    const raw = { width: 2, height: 1, byteWidth: 12, data: Buffer.from([0, 128, 255, 0, 255, 0, 0, 0, 9, 9, 9, 9]) };
    assert.deepEqual([...bgrxToRgba(raw)], [255, 128, 0, 255, 0, 0, 255, 255]);
  });

  it('refuses an encoded image above the limit with image_too_large', () => {
    const rgba = Buffer.alloc(64 * 64 * 4, 200);
    assert.ok(encodeRgba(rgba, 64, 64, 'png', 80).byteLength > 0);
    assert.throws(() => encodeRgba(rgba, 64, 64, 'jpeg', 80, 10), (err: unknown) => err instanceof DesktopError && err.code === 'image_too_large' && /use jpeg|region/.test(err.message));
  });

  it('maps every MACRO_KEYS entry to an existing nut-js Key', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Key } = require('@nut-tree-fork/shared') as { Key: Record<string, number> };
    for (const key of MACRO_KEYS) {
      const name = NUT_KEY_BY_MACRO_KEY[key];
      assert.ok(name, `${key} has no mapping`);
      assert.equal(typeof Key[name], 'number', `${key} -> ${name} is not a nut-js Key`);
    }
    assert.equal(Object.keys(NUT_KEY_BY_MACRO_KEY).length, MACRO_KEYS.length, 'no extra rows');
    assert.equal(NUT_KEY_BY_MACRO_KEY.Ctrl, 'LeftControl');
    assert.equal(NUT_KEY_BY_MACRO_KEY['7'], 'Num7');
    assert.ok([...KEYS_THE_SCREEN_LIBRARY_CANNOT_SEND].every((k) => (MACRO_KEYS as readonly string[]).includes(k)));
  });

  it('parses DISPLAY values and explains why a display cannot be used', async () => {
    assert.deepEqual(parseXDisplay(':0'), { kind: 'local', number: 0, socketPath: '/tmp/.X11-unix/X0' });
    assert.deepEqual(parseXDisplay('unix:12.0'), { kind: 'local', number: 12, socketPath: '/tmp/.X11-unix/X12' });
    assert.deepEqual(parseXDisplay('remotehost:10.0'), { kind: 'other' });
    assert.equal(parseXDisplay('nonsense'), undefined);
    const deps = (exists: boolean, accepts: boolean): XDisplayCheckDeps => ({ exists: () => exists, accepts: async () => accepts });
    assert.match((await xDisplayProblem(undefined, deps(true, true)))!, /DISPLAY is not set/);
    assert.match((await xDisplayProblem('nonsense', deps(true, true)))!, /not an X display name/);
    assert.equal(await xDisplayProblem('remote:1', deps(false, false)), undefined);
    assert.match((await xDisplayProblem(':99', deps(false, false)))!, /X server :99 not reachable: \/tmp\/\.X11-unix\/X99 does not exist/);
    assert.match((await xDisplayProblem(':99', deps(true, false)))!, /X server :99 not reachable: .* refuses connections/);
    assert.equal(await xDisplayProblem(':99', deps(true, true)), undefined);
  });

  it('plans typing of shifted punctuation from the X keymap', () => {
    const keymap = 'keycode  10 = 1 exclam 1 exclam\nkeycode  59 = comma less comma less\nkeycode  94 = less greater less greater\nkeycode  38 = a A a A\nkeycode  65 = space NoSymbol space\n';
    const map = parseXmodmapShiftMap(keymap);
    assert.equal(map.get('!'), '1');
    assert.equal(map.has('<'), false, '< has an unshifted key of its own');
    assert.equal(map.get('>'), '<');
    assert.equal(map.has('A'), false, 'letters are left to the screen library');
    assert.deepEqual(planTyping('Hi!! 1', map), [{ text: 'Hi', shift: false }, { text: '11', shift: true }, { text: ' 1', shift: false }]);
    assert.equal(US_SHIFT_MAP.get('|'), '\\');
  });
});
