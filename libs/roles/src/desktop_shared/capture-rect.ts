import type { DisplayInfo, ScreenRegion } from '@borealis/protocol';
import { DesktopError } from './desktop-error';

export interface Rect { x: number; y: number; width: number; height: number }

const show = (r: Rect) => `${r.x},${r.y} ${r.width}x${r.height}`;

/**
 * The absolute screen rectangle a capture request means: the whole screen, one display, or a
 * region (relative to the display when both are given). Anything outside is `bad_region` with the
 * bounds in the message, so the caller can correct the request.
 */
export function captureRect(screen: { width: number; height: number }, displays: readonly DisplayInfo[], options: { display?: number; region?: ScreenRegion }): Rect {
  let bounds: Rect = { x: 0, y: 0, width: screen.width, height: screen.height };
  let what = 'the screen';
  if (options.display !== undefined) {
    const display = displays[options.display];
    if (!display) {
      throw new DesktopError('bad_region', `display ${options.display} does not exist: ${displays.length} display(s), indexes 0-${displays.length - 1}`);
    }
    bounds = { x: display.x, y: display.y, width: display.width, height: display.height };
    what = `display ${options.display}`;
  }
  const region = options.region;
  if (!region) return bounds;
  if (region.x + region.width > bounds.width || region.y + region.height > bounds.height) {
    throw new DesktopError('bad_region', `region ${show(region)} is outside ${what} (0,0 ${bounds.width}x${bounds.height})`);
  }
  return { x: bounds.x + region.x, y: bounds.y + region.y, width: region.width, height: region.height };
}
