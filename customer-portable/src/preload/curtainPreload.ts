import { contextBridge, ipcRenderer } from 'electron';
import type { CurtainBridge } from '@beacon/shared/ipc';
import { CURTAIN_IPC } from '@beacon/shared/ipcChannels';

/**
 * The privacy curtain window's preload: exactly the CurtainBridge, one function per message to
 * main and nothing else. Main takes them only from the window with the Stop button and parses
 * the payload (main/curtain.ts).
 */
const bridge: CurtainBridge = {
  liftCurtain: () => {
    ipcRenderer.invoke(CURTAIN_IPC.lift).catch(() => undefined);
  },
  pointerOverStop: (isOver) => {
    ipcRenderer.invoke(CURTAIN_IPC.pointerOverStop, isOver === true).catch(() => undefined);
  },
};

contextBridge.exposeInMainWorld('beaconCurtain', bridge);
