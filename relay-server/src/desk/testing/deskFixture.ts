/** A DeskQueue on a hand-moved clock, recording its events, for the desk's unit tests and simulation. */
import type { DeskEvent, NewHelpRequest } from '../deskModel.ts';
import { DeskQueue, type AgentProfile } from '../DeskQueue.ts';
import { HandleTimes } from '../WaitEstimate.ts';

export interface DeskFixture {
  queue: DeskQueue;
  events: DeskEvent[];
  handleTimes: HandleTimes;
  now(): number;
  advance(ms: number): void;
  /** Adds online agents. */
  agents(...profiles: (Partial<AgentProfile> & { id: number })[]): void;
  request(id: string, groupId?: number | null): NewHelpRequest;
  /** `kind:requestId:agentId` of the events since the last call (they leave `events`). */
  drain(): string[];
}

export function deskFixture(o: { offerTimeoutMs?: number; defaultHandleMs?: number; window?: number; start?: number } = {}): DeskFixture {
  let t = o.start ?? 1_000_000;
  const events: DeskEvent[] = [];
  const handleTimes = new HandleTimes(o.window ?? 50, () => o.defaultHandleMs ?? 600_000);
  const queue = new DeskQueue({ now: () => t, offerTimeoutMs: () => o.offerTimeoutMs ?? 30_000, handleTimes, onEvent: (e) => events.push(e) });
  return {
    queue,
    events,
    handleTimes,
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    agents: (...profiles) => {
      for (const p of profiles) {
        queue.upsertAgent({ groupIds: [], state: 'available', limit: 1, ...p });
        queue.setOnline(p.id, true);
      }
    },
    request: (id, groupId = null) => ({ id: id.padEnd(16, '_'), groupId, customerName: `Customer ${id}`, phone: null, description: 'printer', deviceId: '123456789' }),
    drain: () => events.splice(0).map((e) => `${e.kind}:${e.requestId.replace(/_+$/, '')}:${e.agentId ?? '-'}`),
  };
}
