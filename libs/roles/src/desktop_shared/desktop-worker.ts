import { execFile } from 'node:child_process';
import type { DisplayInfo, MacroKey } from '@borealis/protocol';
import { captureRect } from './capture-rect';
import { DesktopError } from './desktop-error';
import { bgrxToRgba, encodeRgba } from './image-encoder';
import { KEYS_THE_SCREEN_LIBRARY_CANNOT_SEND, NUT_KEY_BY_MACRO_KEY } from './macro-key-map';
import { parseWindowsScreens, parseXrandrMonitors, WINDOWS_SCREENS_SCRIPT, wholeScreenDisplay } from './monitor-parsers';
import { parseXmodmapShiftMap, planTyping, US_SHIFT_MAP, type ShiftMap } from './x11-typing';
import type { WorkerCapture, WorkerRequest, WorkerResponse, WorkerResults } from './worker-protocol';

type Nut = typeof import('@nut-tree-fork/nut-js');

/** How long a monitor list is reused for display captures (a stream must not run xrandr per frame). */
const DISPLAYS_TTL_MS = 5_000;
/** Pause between typed characters and after key events: fast, but X clients still see every event. */
const KEY_DELAY_MS = 2;

/**
 * Entry of the hidden `desktop-worker` agent subcommand: a child process that owns the screen
 * library, so a crash of that library (it segfaults when the X server is missing or goes away)
 * kills only this child. Answers one request at a time, in order; exits when the agent goes away.
 * It never logs request contents (typed text may be a password).
 */
export function runDesktopWorker(): void {
  if (!process.send) {
    process.stderr.write('desktop-worker: started by the agent only (needs an IPC channel)\n');
    process.exitCode = 2;
    return;
  }
  const worker = new DesktopWorker();
  let queue: Promise<unknown> = Promise.resolve();
  process.on('message', (message) => {
    queue = queue
      .then(() => worker.handle(message as WorkerRequest))
      .then((response) => {
        try {
          process.send?.(response);
        } catch {
          process.exit(0); // the agent is gone
        }
      });
  });
  process.on('disconnect', () => process.exit(0));
}

class DesktopWorker {
  private nut: Nut | undefined;
  private displays: { at: number; list: DisplayInfo[] } | undefined;
  private shiftMap: ShiftMap | undefined;

  async handle(request: WorkerRequest): Promise<WorkerResponse> {
    try {
      return { id: request.id, ok: true, result: await this.run(request) };
    } catch (err) {
      if (err instanceof DesktopError) return { id: request.id, ok: false, code: err.code, message: err.message };
      return { id: request.id, ok: false, code: 'capture_failed', message: err instanceof Error ? err.message : String(err) };
    }
  }

  private async run(request: WorkerRequest): Promise<WorkerResults[WorkerRequest['op']]> {
    switch (request.op) {
      case 'ping':
        return this.screenSize();
      case 'info': {
        const size = await this.screenSize();
        return { ...size, displays: await this.listDisplays(size, true) };
      }
      case 'capture':
        return this.capture(request);
      case 'type':
        await this.type(request.text);
        return {};
      case 'keys':
        await this.pressKeys(request.keys);
        return {};
      default:
        throw new DesktopError('bad_message', `unknown desktop worker op "${(request as { op: string }).op}"`);
    }
  }

  /** Loaded on first use only: loading it opens the display (and may crash this process, by design). */
  private lib(): Nut {
    if (!this.nut) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const nut = require('@nut-tree-fork/nut-js') as Nut;
      nut.keyboard.config.autoDelayMs = KEY_DELAY_MS; // default 300 ms per character
      nut.providerRegistry.getKeyboard().setKeyboardDelay(KEY_DELAY_MS);
      this.nut = nut;
    }
    return this.nut;
  }

  private async screenSize(): Promise<{ width: number; height: number }> {
    const { screen } = this.lib();
    return { width: await screen.width(), height: await screen.height() };
  }

  private async capture(request: Extract<WorkerRequest, { op: 'capture' }>): Promise<WorkerCapture> {
    const nut = this.lib();
    const size = await this.screenSize();
    const displays = request.display === undefined ? [] : await this.listDisplays(size, false);
    const rect = captureRect(size, displays, request);
    const whole = rect.x === 0 && rect.y === 0 && rect.width === size.width && rect.height === size.height;
    const image = whole ? await nut.screen.grab() : await nut.screen.grabRegion(new nut.Region(rect.x, rect.y, rect.width, rect.height));
    const rgba = bgrxToRgba(image);
    const data = encodeRgba(rgba, image.width, image.height, request.format, request.quality);
    return { format: request.format, width: image.width, height: image.height, data };
  }

  private async type(text: string): Promise<void> {
    const { keyboard, Key } = this.lib();
    if (process.platform !== 'linux') {
      await keyboard.type(text); // Windows and macOS libnut type any character (Unicode input)
      return;
    }
    this.shiftMap ??= await loadShiftMap();
    for (const chunk of planTyping(text, this.shiftMap)) {
      if (!chunk.shift) {
        await keyboard.type(chunk.text);
        continue;
      }
      await keyboard.pressKey(Key.LeftShift);
      try {
        await keyboard.type(chunk.text);
      } finally {
        await keyboard.releaseKey(Key.LeftShift);
      }
    }
  }

  private async pressKeys(keys: MacroKey[]): Promise<void> {
    const unsupported = keys.filter((k) => KEYS_THE_SCREEN_LIBRARY_CANNOT_SEND.has(k));
    if (unsupported.length > 0) throw new DesktopError('bad_message', `key ${unsupported.join(', ')} cannot be sent on this platform`);
    const { keyboard, Key } = this.lib();
    const codes = keys.map((k) => Key[NUT_KEY_BY_MACRO_KEY[k]]);
    const pressed: typeof codes = [];
    try {
      for (const code of codes) {
        await keyboard.pressKey(code);
        pressed.push(code);
      }
    } finally {
      // Released in reverse, and always: a modifier left down would corrupt everything typed later.
      for (const code of pressed.reverse()) await keyboard.releaseKey(code);
    }
  }

  private async listDisplays(size: { width: number; height: number }, fresh: boolean): Promise<DisplayInfo[]> {
    const now = Date.now();
    if (!fresh && this.displays && now - this.displays.at < DISPLAYS_TTL_MS) return this.displays.list;
    let list: DisplayInfo[] = [];
    if (process.platform === 'linux') {
      const out = await run('xrandr', ['--listactivemonitors']);
      if (out) list = parseXrandrMonitors(out, size);
    } else if (process.platform === 'win32') {
      const out = await run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', WINDOWS_SCREENS_SCRIPT]);
      if (out) list = parseWindowsScreens(out, size);
    }
    if (list.length === 0) list = wholeScreenDisplay(size);
    this.displays = { at: now, list };
    return list;
  }
}

/** The X keymap's shifted punctuation; a US layout when xmodmap is missing. */
async function loadShiftMap(): Promise<ShiftMap> {
  const out = await run('xmodmap', ['-pke']);
  const map = out ? parseXmodmapShiftMap(out) : undefined;
  return map && map.size > 0 ? map : US_SHIFT_MAP;
}

/** stdout of a short command, or undefined when it is missing or fails (callers fall back). */
function run(file: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 10_000, windowsHide: true }, (err, stdout) => resolve(err ? undefined : stdout));
  });
}
