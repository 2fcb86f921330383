/**
 * The customer's help request on the relay link (capability `desk`): sends `help-*`, hears
 * `help-queued`/`help-assigned`/`help-reminder`/`help-ended`, and keeps what the start
 * screen shows (HelpRequestModel.ts) in a store React reads. CustomerClient hands it the
 * link's ups, downs and messages.
 */
import type { RoleConnection } from '@beacon/shared/browser/RelayLink';
import { Store } from '@beacon/shared/client/Store';
import { DeskRelayToCustomer, HelpRequestBody, type RelayToClient } from '@beacon/shared/protocol';
import { INITIAL_HELP, helpTransition, openRequestId, type HelpInput, type HelpState } from '../common/HelpRequestModel.ts';
import { randomId } from '@beacon/shared/browser/randomId';

export interface HelpForm {
  customerName: string;
  phone: string;
  description: string;
}

/** The queue a link names with `?group=N` (a group's queue), or null: the organisation's. */
export function groupFromLink(search: string): number | null {
  const raw = new URLSearchParams(search).get('group');
  return raw !== null && /^\d{1,9}$/.test(raw) && Number(raw) > 0 ? Number(raw) : null;
}

export class HelpRequestClient {
  private readonly store = new Store<HelpState>(INITIAL_HELP);

  constructor(
    private readonly link: () => RoleConnection<'customer'> | null,
    private readonly groupId: number | null,
  ) {}

  readonly getState = this.store.getSnapshot;
  readonly subscribe = this.store.subscribe;

  attached(conn: RoleConnection<'customer'>): void {
    this.apply({ type: 'link-up', speaksDesk: conn.capabilities.has('desk') });
  }

  detached(): void {
    this.apply({ type: 'link-down' });
  }

  /** True when the message was the desk's (handled here). */
  onRelayMessage(msg: RelayToClient): boolean {
    const desk = DeskRelayToCustomer.safeParse(msg);
    if (desk.success) {
      this.apply({ type: 'relay', msg: desk.data });
      return true;
    }
    const s = this.getState();
    if (msg.type === 'error' && s.step === 'sending' && msg.requestId === s.requestId) {
      console.warn(`[beacon] help request refused: ${msg.code}: ${msg.message}`);
      this.apply({ type: 'refused', requestId: s.requestId });
      return true;
    }
    return false;
  }

  openForm(): void {
    this.apply({ type: 'open-form' });
  }

  closeForm(): void {
    this.apply({ type: 'close-form' });
  }

  /** False when the form is not valid (a name is needed); the form stays open. */
  submit(form: HelpForm): boolean {
    const phone = form.phone.trim();
    const body = HelpRequestBody.safeParse({ customerName: form.customerName, description: form.description, groupId: this.groupId, ...(phone ? { phone } : {}) });
    const conn = this.link();
    if (!body.success || !conn || this.getState().step !== 'form') return false;
    const requestId = randomId(9);
    this.apply({ type: 'sent', requestId });
    conn.sendSignal({ type: 'help-request', requestId, help: body.data });
    return true;
  }

  leaveQueue(): void {
    const id = openRequestId(this.getState());
    if (id) this.link()?.sendSignal({ type: 'help-cancel', helpRequestId: id });
  }

  writeMessage(isWriting: boolean): void {
    this.apply({ type: 'write-message', isWriting });
  }

  leaveMessage(text: string): boolean {
    const id = openRequestId(this.getState());
    if (!id || !text.trim()) return false;
    this.link()?.sendSignal({ type: 'help-leave-message', helpRequestId: id, text: text.trim() });
    return true;
  }

  stillHere(): void {
    const id = openRequestId(this.getState());
    if (!id) return;
    this.link()?.sendSignal({ type: 'help-still-here', helpRequestId: id });
    this.apply({ type: 'still-here' });
  }

  dispose(): void {
    this.store.dispose();
  }

  private apply(input: HelpInput): void {
    const next = helpTransition(this.getState(), input);
    if (next !== this.getState()) this.store.set(next);
  }
}
