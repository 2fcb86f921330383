/**
 * Window geometry for the Electron shell, kept pure so it is tested without Electron.
 * During a session the window shrinks to a bar at the top centre of the primary screen's
 * work area (not over the taskbar or menu bar), where it stays visible but covers little.
 */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const NORMAL_SIZE = { width: 520, height: 680 } as const;
export const NORMAL_MIN_SIZE = { width: 420, height: 520 } as const;
export const BAR_SIZE = { width: 560, height: 56 } as const;
/** The bar opened into its panel: chat and the blank board under the bar. */
export const PANEL_SIZE = { width: 560, height: 600 } as const;

export function sessionBarBounds(workArea: Rect, bar: { width: number; height: number } = BAR_SIZE): Rect {
  const width = Math.min(bar.width, workArea.width);
  return {
    x: Math.round(workArea.x + (workArea.width - width) / 2),
    y: workArea.y,
    width,
    height: bar.height,
  };
}
