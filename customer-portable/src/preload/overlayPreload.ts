import { contextBridge, ipcRenderer } from 'electron';
import type { OverlayBridge } from '@beacon/shared/ipc';
import { OVERLAY_IPC } from '@beacon/shared/ipcChannels';

/**
 * The overlay window's preload: exactly the OverlayBridge, one subscription per message
 * from main, and nothing the page could send. Payloads are handed on as they came; the
 * overlay page parses them. The IPC event object never reaches the page.
 */
const bridge: OverlayBridge = {
  onStroke: (handler) => {
    const listener = (_e: unknown, req: unknown) => handler(req);
    ipcRenderer.on(OVERLAY_IPC.stroke, listener);
    return () => {
      ipcRenderer.removeListener(OVERLAY_IPC.stroke, listener);
    };
  },
  onUndo: (handler) => {
    const listener = (_e: unknown, req: unknown) => handler(req);
    ipcRenderer.on(OVERLAY_IPC.undo, listener);
    return () => {
      ipcRenderer.removeListener(OVERLAY_IPC.undo, listener);
    };
  },
  onClear: (handler) => {
    const listener = () => handler();
    ipcRenderer.on(OVERLAY_IPC.clear, listener);
    return () => {
      ipcRenderer.removeListener(OVERLAY_IPC.clear, listener);
    };
  },
};

contextBridge.exposeInMainWorld('beaconOverlay', bridge);
