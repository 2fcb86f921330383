/**
 * The renderer's side of the agent's monitor choice: asks the app's bridge for this PC's
 * monitors, and crops each captured frame to the chosen one before it is encoded.
 */
import { MonitorsResult, type CustomerBridge } from '@beacon/shared/ipc';
import { parseUnknown } from '@beacon/shared/parse';
import { MonitorSelection } from '../common/MonitorSelection.ts';

/** The monitors, or null where the bridge lists none (the browser build: the picture is the whole capture). */
export async function loadMonitorSelection(bridge: CustomerBridge | undefined): Promise<MonitorSelection | null> {
  if (!bridge?.listMonitors) return null;
  try {
    const r = parseUnknown(MonitorsResult, await bridge.listMonitors(), 'list-monitors');
    if (!r.ok) throw r.error;
    return new MonitorSelection(r.value);
  } catch (err) {
    console.warn('[beacon] could not list the monitors; showing the whole capture', err);
    return null;
  }
}

let hasWarnedCrop = false;

/** The part of `frame` the agent chose (the frame itself when that is all of it). Owns `frame`: closes it when it returns another. */
export function cropToMonitor(frame: VideoFrame, selection: MonitorSelection | null): VideoFrame {
  const visible = frame.visibleRect;
  if (!selection || !visible) return frame;
  const crop = selection.cropIn({ width: visible.width, height: visible.height });
  if (!crop) return frame;
  try {
    const out = new VideoFrame(frame, { visibleRect: { x: visible.x + crop.x, y: visible.y + crop.y, width: crop.width, height: crop.height } });
    frame.close();
    return out;
  } catch (err) {
    if (!hasWarnedCrop) console.warn('[beacon] could not crop the capture to the monitor', err);
    hasWarnedCrop = true;
    return frame;
  }
}
