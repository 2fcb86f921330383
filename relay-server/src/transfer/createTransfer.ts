/**
 * File transfer (capability `file-transfer`): the feature RelayServer wires. It hears about
 * sessions (start: the policy; away/back: chunks dropped, senders rewound; end: unfinished
 * files logged), takes the `ft-*` ctl messages and the binary chunks a connection routes to
 * it, and answers a refused chunk with a ctl `error` (at most one a second per party).
 */
import { ProtocolError, toWireError } from '@beacon/shared/errors';
import type { AccountRole, FtCtlToRelay, FtPolicy } from '@beacon/shared/protocol';
import type { OrgSettings } from '@beacon/shared/api';
import type { AuditLog } from '../accounts/AuditLog.ts';
import type { Logger } from '../platform/logger.ts';
import type { EventLog } from '../sessions/EventLog.ts';
import type { AgentParty, CustomerParty, LiveSession } from '../sessions/Session.ts';
import type { SessionManager } from '../sessions/SessionManager.ts';
import { FileTransferRelay } from './FileTransferRelay.ts';
import { TransferRecords } from './TransferRecords.ts';

const SWEEP_MS = 30_000;
const ERROR_EVERY_MS = 1000;

export interface TransferDeps {
  sessions: SessionManager;
  events: EventLog;
  audit: AuditLog | null;
  /** The organisation's settings now (null before setup: the defaults). */
  settings: () => OrgSettings | null;
  log: Logger;
  now: () => number;
}

/** What a connection needs of the feature. */
export interface TransferLink {
  handle(party: AgentParty | CustomerParty, msg: FtCtlToRelay): void;
  chunk(party: AgentParty | CustomerParty, bytes: Uint8Array): void;
}

export interface TransferFeature extends TransferLink {
  readonly relay: FileTransferRelay;
  close(): void;
}

/** The organisation's file transfer settings as the policy a session of an agent with `role` keeps. */
export function policyOf(settings: OrgSettings | null, role: AccountRole): FtPolicy {
  const roleMay = settings?.fileTransferRoles.includes(role) ?? true;
  return {
    agentMaySend: roleMay && (settings?.agentsMaySendFiles ?? true),
    agentMayReceive: roleMay && (settings?.agentsMayReceiveFiles ?? true),
    confirm: settings?.confirmFileTransfers ?? true,
  };
}

export function createTransfer(d: TransferDeps): TransferFeature {
  const relay = new FileTransferRelay(new TransferRecords(d.events, d.audit, d.log), (role) => policyOf(d.settings(), role), d.now);
  const live = (id: string): LiveSession | undefined => d.sessions.get(id);
  d.sessions.onSessionEvent((e) => {
    if (e.type === 'started') relay.started(e.session);
    else if (e.type === 'away') relay.away(e.session);
    else if (e.type === 'back') relay.back(e.session);
    else if (e.type === 'ended') relay.ended(e.session);
  });
  const sweeper = setInterval(() => relay.sweep(live), SWEEP_MS);
  sweeper.unref();
  const lastError = new Map<string, number>();
  return {
    relay,
    handle(party, msg) {
      relay.handle(d.sessions.owned(party, msg.sessionId), party, msg);
    },
    chunk(party, bytes) {
      try {
        relay.chunk(party, bytes, live);
      } catch (err) {
        const { code, message } = toWireError(err instanceof Error ? err : new ProtocolError('internal', String(err)));
        const now = d.now();
        if (now - (lastError.get(party.connId) ?? -Infinity) < ERROR_EVERY_MS) return;
        lastError.set(party.connId, now);
        if (lastError.size > 10_000) lastError.clear();
        d.log.warn('file chunk refused', { connId: party.connId, code, detail: message.slice(0, 200) });
        party.sendCtl({ type: 'error', code, message, re: { type: 'ft-chunk' } });
      }
    },
    close() {
      clearInterval(sweeper);
      relay.close();
    },
  };
}
