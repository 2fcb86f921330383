/**
 * The customer's help request ("Request help" on the start screen) as a transition table
 * over plain data, so every path is tested in Node. The renderer (HelpRequestClient.ts)
 * feeds it the relay's desk messages and the customer's clicks.
 *
 * Steps: `unavailable` (the relay does not speak `desk`, or no link) → `idle` (the button) →
 * `form` (name, phone, description) → `sending` → `waiting` (place, estimated wait; when
 * nobody is available, the leave-a-message path) → `assigned` (an agent took it; the usual
 * consent dialog follows) → back to `idle` when the request ends, with a notice saying how.
 */
import type { DeskRelayToCustomer, HelpRequestState } from '@beacon/shared/protocol';

export interface Waiting {
  step: 'waiting';
  helpRequestId: string;
  /** Requests ahead (0 = next). */
  position: number;
  estimatedWaitMs: number | null;
  isNobodyAvailable: boolean;
  /** The relay asked whether the customer is still there. */
  isReminded: boolean;
  /** The customer chose to leave a message instead of waiting. */
  isWritingMessage: boolean;
}

export type HelpNotice = Exclude<HelpRequestState, 'waiting' | 'offered' | 'assigned'> | 'refused';

export type HelpState =
  | { step: 'unavailable' }
  | { step: 'idle'; notice: HelpNotice | null }
  | { step: 'form'; notice: HelpNotice | null }
  | { step: 'sending'; requestId: string }
  | Waiting
  | { step: 'assigned'; helpRequestId: string; agentName: string };

export type HelpInput =
  | { type: 'link-up'; speaksDesk: boolean }
  | { type: 'link-down' }
  | { type: 'open-form' }
  | { type: 'close-form' }
  | { type: 'sent'; requestId: string }
  | { type: 'refused'; requestId: string }
  | { type: 'write-message'; isWriting: boolean }
  | { type: 'still-here' }
  | { type: 'relay'; msg: DeskRelayToCustomer };

export const INITIAL_HELP: HelpState = { step: 'unavailable' };

/** The request this state is about, if any (what `help-cancel` and friends name). */
export function openRequestId(s: HelpState): string | null {
  return s.step === 'waiting' || s.step === 'assigned' ? s.helpRequestId : null;
}

function fromRelay(s: HelpState, msg: DeskRelayToCustomer): HelpState {
  const isOurs = msg.helpRequestId === openRequestId(s) || (msg.type === 'help-queued' && s.step === 'sending' && msg.requestId === s.requestId);
  if (!isOurs) return s;
  switch (msg.type) {
    case 'help-queued': {
      const prev = s.step === 'waiting' ? s : null;
      return {
        step: 'waiting',
        helpRequestId: msg.helpRequestId,
        position: msg.position,
        estimatedWaitMs: msg.estimatedWaitMs,
        isNobodyAvailable: msg.isNobodyAvailable,
        isReminded: prev?.isReminded ?? false,
        isWritingMessage: prev?.isWritingMessage ?? false,
      };
    }
    case 'help-assigned':
      return { step: 'assigned', helpRequestId: msg.helpRequestId, agentName: msg.agentName };
    case 'help-reminder':
      return s.step === 'waiting' ? { ...s, isReminded: true } : s;
    case 'help-ended':
      return { step: 'idle', notice: msg.state };
  }
}

export function helpTransition(s: HelpState, input: HelpInput): HelpState {
  switch (input.type) {
    case 'link-up':
      return input.speaksDesk ? { step: 'idle', notice: null } : { step: 'unavailable' };
    case 'link-down':
      // The relay ends a waiting request when the link goes: start again from the button.
      return { step: 'unavailable' };
    case 'open-form':
      return s.step === 'idle' ? { step: 'form', notice: null } : s;
    case 'close-form':
      return s.step === 'form' ? { step: 'idle', notice: null } : s;
    case 'sent':
      return s.step === 'form' ? { step: 'sending', requestId: input.requestId } : s;
    case 'refused':
      return s.step === 'sending' && s.requestId === input.requestId ? { step: 'form', notice: 'refused' } : s;
    case 'write-message':
      return s.step === 'waiting' ? { ...s, isWritingMessage: input.isWriting } : s;
    case 'still-here':
      return s.step === 'waiting' ? { ...s, isReminded: false } : s;
    case 'relay':
      return fromRelay(s, input.msg);
  }
}

/** The wait to show, in whole minutes rounded up; null when unknown (nobody can take it). */
export function waitMinutes(ms: number | null): number | null {
  return ms === null ? null : Math.max(0, Math.ceil(ms / 60_000));
}
