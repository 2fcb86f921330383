/**
 * Every file that ends, however it ends, goes to the session's event log (the recording's
 * timeline shows it) and to the audit log: name, size, hash (when the receiver holds every
 * byte), direction and who. Writes are not awaited by the transfer; a failed write is logged.
 */
import type { Role } from '@beacon/shared/protocol';
import type { AuditLog } from '../accounts/AuditLog.ts';
import type { Logger } from '../platform/logger.ts';
import type { EventLog } from '../sessions/EventLog.ts';
import { agentActor, customerActor, type LiveSession } from '../sessions/Session.ts';
import type { Transfer } from './Transfers.ts';

/** How a transfer ended: `done` (every byte, hash matched) or why not. */
export type TransferOutcome = 'done' | 'hash-mismatch' | 'declined' | 'cancelled' | 'write-failed' | 'read-failed' | 'not-allowed' | 'expired' | 'peer-gone';

export class TransferRecords {
  constructor(
    private readonly events: Pick<EventLog, 'append'>,
    private readonly audit: Pick<AuditLog, 'append'> | null,
    private readonly log: Logger,
  ) {}

  finished(s: Pick<LiveSession, 'id' | 'deviceId' | 'agent'>, t: Transfer, outcome: TransferOutcome, sha256: string | null, by?: Role): void {
    const direction = t.from === 'agent' ? 'to-customer' : 'to-agent';
    const detail: Record<string, unknown> = { transferId: t.transferId, name: t.name, size: t.size, direction, outcome, bytes: t.acked };
    if (sha256) detail.sha256 = sha256;
    if (by) detail.by = by;
    const actor = t.from === 'agent' ? agentActor(s.agent.agent) : customerActor(s.deviceId);
    this.events.append({ sessionId: s.id, deviceId: s.deviceId, kind: 'file-transfer', actor, detail }).catch((err: unknown) => this.log.error('file transfer event not written', { err, sessionId: s.id }));
    this.audit
      ?.append({ actorId: s.agent.agent.id, action: 'file-transferred', target: { type: 'sessions', id: s.id, label: t.name }, detail: { ...detail, deviceId: s.deviceId } })
      .catch((err: unknown) => this.log.error('file transfer audit entry not written', { err, sessionId: s.id }));
    this.log.info('file transfer ended', { sessionId: s.id, ...detail, name: undefined });
  }
}
