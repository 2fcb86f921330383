import { useSyncExternalStore } from 'react';
import { useClient } from '../ClientContext.ts';
import type { AgentDesk, DeskSnapshot } from './AgentDesk.ts';

/** The console's desk and its snapshot (re-renders when the desk changes). */
export function useDesk(): { desk: AgentDesk; snap: DeskSnapshot } {
  const desk = useClient().desk;
  return { desk, snap: useSyncExternalStore(desk.subscribe, desk.getSnapshot) };
}
