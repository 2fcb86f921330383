/** For the clipboard tests: a ClipboardRelay with a session as the relay holds it. */
import type { OrgSettings } from '@beacon/shared/api';
import type { CtlFromRelay } from '@beacon/shared/protocol';
import type { EventLog, NewEvent } from '../sessions/EventLog.ts';
import type { ActiveSession } from '../sessions/Session.ts';
import { ClipboardRelay } from './ClipboardRelay.ts';

/** A session as the relay holds it, with what each party was sent and the events logged. */
export function stage(control = true, settings: Partial<OrgSettings> | null = null) {
  const toAgent: CtlFromRelay[] = [];
  const toCustomer: CtlFromRelay[] = [];
  const events: NewEvent[] = [];
  let t = 1_000;
  const s = {
    id: 'S1',
    deviceId: '123456789',
    permissions: { view: true, control },
    agent: { agent: { login: 'alice' }, sendCtl: (m: CtlFromRelay) => toAgent.push(m) > 0 },
    customer: { sendCtl: (m: CtlFromRelay) => toCustomer.push(m) > 0 },
  } as unknown as ActiveSession;
  const log = { append: async (e: NewEvent) => void events.push(e) } as unknown as EventLog;
  const relay = new ClipboardRelay(log, () => t, () => settings as OrgSettings | null);
  return { s, relay, toAgent, toCustomer, events, advance: (ms: number) => (t += ms) };
}

