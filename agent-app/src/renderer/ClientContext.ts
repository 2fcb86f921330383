import { createContext, useContext, useSyncExternalStore } from 'react';
import type { AgentClient, ClientSnapshot } from './AgentClient.ts';

export const ClientContext = createContext<AgentClient | null>(null);

export function useClient(): AgentClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside <ClientContext.Provider>');
  return client;
}

export function useSnapshot(): ClientSnapshot {
  const client = useClient();
  return useSyncExternalStore(client.subscribe, client.getSnapshot);
}
