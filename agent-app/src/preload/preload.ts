/**
 * The agent console's bridge: exactly the `AgentBridge` functions, one per message. Nothing
 * else of Electron or Node reaches the page (sandboxed, context-isolated).
 */
import { AGENT_IPC, type AgentBridge, type RendererConfig } from '@beacon/shared/ipc';
import { contextBridge, ipcRenderer } from 'electron';

const bridge: AgentBridge = {
  // The renderer parses the answer with `RendererConfig`: it crossed a process boundary.
  getConfig: (): Promise<RendererConfig> => ipcRenderer.invoke(AGENT_IPC.getConfig),
};

contextBridge.exposeInMainWorld('beaconAgent', bridge);
