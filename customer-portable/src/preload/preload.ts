import { contextBridge, ipcRenderer } from 'electron';
import type { CustomerBridge } from '@beacon/shared/ipc';
import { CUSTOMER_IPC } from '@beacon/shared/ipcChannels';

/**
 * Exactly the CustomerBridge: one function per message, never a generic send. Payloads are
 * passed through untouched; main validates them.
 */
const bridge: CustomerBridge = {
  getConfig: () => ipcRenderer.invoke(CUSTOMER_IPC.getConfig),
  injectInput: (req) => ipcRenderer.invoke(CUSTOMER_IPC.injectInput, req),
  setSessionState: (req) => ipcRenderer.invoke(CUSTOMER_IPC.setSessionState, req),
  overlayStroke: (req) => ipcRenderer.invoke(CUSTOMER_IPC.overlayStroke, req),
  overlayUndo: (req) => ipcRenderer.invoke(CUSTOMER_IPC.overlayUndo, req),
  overlayClear: () => ipcRenderer.invoke(CUSTOMER_IPC.overlayClear),
  readClipboard: () => ipcRenderer.invoke(CUSTOMER_IPC.readClipboard),
  writeClipboard: (req) => ipcRenderer.invoke(CUSTOMER_IPC.writeClipboard, req),
  listMonitors: () => ipcRenderer.invoke(CUSTOMER_IPC.listMonitors),
  prepareSound: () => ipcRenderer.invoke(CUSTOMER_IPC.prepareSound),
  releaseSound: () => ipcRenderer.invoke(CUSTOMER_IPC.releaseSound),
  openReceivedFile: (req) => ipcRenderer.invoke(CUSTOMER_IPC.openReceivedFile, req),
  writeReceivedFile: (req) => ipcRenderer.invoke(CUSTOMER_IPC.writeReceivedFile, req),
  finishReceivedFile: (req) => ipcRenderer.invoke(CUSTOMER_IPC.finishReceivedFile, req),
  abortReceivedFile: (req) => ipcRenderer.invoke(CUSTOMER_IPC.abortReceivedFile, req),
  setCameraAllowed: (req) => ipcRenderer.invoke(CUSTOMER_IPC.setCameraAllowed, req),
  curtainSupport: () => ipcRenderer.invoke(CUSTOMER_IPC.curtainSupport),
  raiseCurtain: (req) => ipcRenderer.invoke(CUSTOMER_IPC.raiseCurtain, req),
  lowerCurtain: () => ipcRenderer.invoke(CUSTOMER_IPC.lowerCurtain),
  onCurtainLifted: (handler) => {
    const listener = (_e: unknown, event: unknown) => handler(event);
    ipcRenderer.on(CUSTOMER_IPC.curtainLifted, listener);
    return () => {
      ipcRenderer.removeListener(CUSTOMER_IPC.curtainLifted, listener);
    };
  },
  onStopHotkey: (handler) => {
    // The IPC event object is not handed to the page.
    const listener = () => handler();
    ipcRenderer.on(CUSTOMER_IPC.stopHotkey, listener);
    return () => {
      ipcRenderer.removeListener(CUSTOMER_IPC.stopHotkey, listener);
    };
  },
};

contextBridge.exposeInMainWorld('beaconCustomer', bridge);
