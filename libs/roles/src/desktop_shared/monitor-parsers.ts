import type { DisplayInfo } from '@borealis/protocol';

interface Bounds { width: number; height: number }

/**
 * `xrandr --listactivemonitors`:
 * ```
 * Monitors: 2
 *  0: +*DP-1 1920/598x1080/336+0+0  DP-1
 *  1: +HDMI-1 1280/340x1024/270+1920+0  HDMI-1
 * ```
 * `*` marks the primary monitor. Monitors are clipped to the screen; empty ones are dropped.
 */
export function parseXrandrMonitors(text: string, screen: Bounds): DisplayInfo[] {
  const found: Omit<DisplayInfo, 'index'>[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*\d+:\s+\+?(\*?)\S*\s+(\d+)\/\d+x(\d+)\/\d+\+(-?\d+)\+(-?\d+)/.exec(line);
    if (!m) continue;
    const rect = clip({ x: Number(m[4]), y: Number(m[5]), width: Number(m[2]), height: Number(m[3]) }, screen);
    if (rect) found.push({ ...rect, primary: m[1] === '*' });
  }
  return withPrimary(found);
}

/**
 * Lines `x,y,width,height,primary` written by the PowerShell snippet in {@link WINDOWS_SCREENS_SCRIPT}.
 * Windows places the primary monitor at 0,0 and others possibly at negative coordinates; the
 * screen library captures the primary monitor's space, so monitors outside it are dropped.
 */
export function parseWindowsScreens(text: string, screen: Bounds): DisplayInfo[] {
  const found: Omit<DisplayInfo, 'index'>[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(-?\d+),(-?\d+),(\d+),(\d+),(True|False)\s*$/i.exec(line);
    if (!m) continue;
    const rect = clip({ x: Number(m[1]), y: Number(m[2]), width: Number(m[3]), height: Number(m[4]) }, screen);
    if (rect) found.push({ ...rect, primary: m[5]!.toLowerCase() === 'true' });
  }
  return withPrimary(found);
}

export const WINDOWS_SCREENS_SCRIPT =
  'Add-Type -AssemblyName System.Windows.Forms; ' +
  '[System.Windows.Forms.Screen]::AllScreens | ForEach-Object { "$($_.Bounds.X),$($_.Bounds.Y),$($_.Bounds.Width),$($_.Bounds.Height),$($_.Primary)" }';

/** One display covering the whole screen: the fallback when monitors cannot be listed. */
export function wholeScreenDisplay(screen: Bounds): DisplayInfo[] {
  return [{ index: 0, x: 0, y: 0, width: screen.width, height: screen.height, primary: true }];
}

function clip(r: { x: number; y: number; width: number; height: number }, screen: Bounds) {
  const x = Math.max(0, r.x);
  const y = Math.max(0, r.y);
  const right = Math.min(screen.width, r.x + r.width);
  const bottom = Math.min(screen.height, r.y + r.height);
  if (right <= x || bottom <= y) return undefined;
  return { x, y, width: right - x, height: bottom - y };
}

/** Indexes in listed order; the first display is primary when none is marked. */
function withPrimary(found: Omit<DisplayInfo, 'index'>[]): DisplayInfo[] {
  const anyPrimary = found.some((d) => d.primary);
  return found.map((d, index) => ({ index, ...d, primary: anyPrimary ? d.primary : index === 0 }));
}
