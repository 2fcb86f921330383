/** ClipboardRelay with capability `clipboard-sync`: the policy per direction, images under the cap, and the event log. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtocolError } from '@beacon/shared/errors';
import type { OrgSettings } from '@beacon/shared/api';
import type { ClipboardImage } from '@beacon/shared/protocol';
import type { NewEvent } from '../sessions/EventLog.ts';
import { stage as base } from './clipboardStage.ts';

function stage(settings: Partial<OrgSettings> = {}, control = true) {
  const st = base(control, settings);
  st.relay.sessionStarted(st.s);
  return st;
}

const refusedWith = (code: string) => (err: unknown) => err instanceof ProtocolError && err.code === code;
const details = (events: NewEvent[]) => events.map((e) => e.detail);

/** A PNG-ish image of `size` bytes cut into `clipboard-image` chunks of `chunk` bytes. */
function chunks(size: number, chunk: number, auto?: boolean): ClipboardImage[] {
  const bytes = Buffer.alloc(size, 7);
  const out: ClipboardImage[] = [];
  for (let offset = 0; offset < size; offset += chunk) {
    const data = bytes.subarray(offset, offset + chunk).toString('base64');
    out.push({ type: 'clipboard-image', sessionId: 'S1', clipId: 'clip-0001', size, offset, data, ...(auto ? { auto } : {}) });
  }
  return out;
}

test('both parties are told the session’s clipboard policy when it starts: the sync is off by default, images up to 8 MB', () => {
  const { toAgent, toCustomer } = stage();
  const policy = { type: 'clipboard-policy', sessionId: 'S1', toCustomer: false, toAgent: false, maxImageBytes: 8 * 1024 * 1024 };
  assert.deepEqual(toAgent, [policy]);
  assert.deepEqual(toCustomer, [policy]);
  const on = stage({ clipboardSyncToAgent: true, clipboardMaxImageMB: 2 });
  assert.deepEqual(on.toAgent[0], { ...policy, toAgent: true, maxImageBytes: 2 * 1024 * 1024 });
});

test('an automatic sync in a direction the organisation has not allowed is refused and logged; the allowed one passes', () => {
  const { s, relay, toAgent, toCustomer, events } = stage({ clipboardSyncToAgent: true });
  toAgent.length = toCustomer.length = 0;
  assert.throws(() => relay.fromAgent(s, { type: 'clipboard-send', sessionId: 'S1', text: 'from agent', auto: true }), refusedWith('forbidden'));
  assert.deepEqual(toCustomer, []);
  relay.fromCustomer(s, { type: 'clipboard-send', sessionId: 'S1', text: 'from customer', auto: true });
  assert.deepEqual(toAgent, [{ type: 'clipboard-send', sessionId: 'S1', text: 'from customer', auto: true }]);
  assert.deepEqual(details(events), [
    { direction: 'to-customer', kind: 'text', auto: true, refused: 'policy' },
    { direction: 'to-agent', kind: 'text', chars: 13, auto: true },
  ]);
  // On request, the agent's text still goes (the policy is about the automatic sync only).
  relay.fromAgent(s, { type: 'clipboard-send', sessionId: 'S1', text: 'by hand' });
  assert.equal(toCustomer.length, 1);
});

test('the customer’s automatic sync needs control on, even where the organisation allows it', () => {
  const { s, relay, toAgent, events } = stage({ clipboardSyncToAgent: true }, false);
  toAgent.length = 0;
  assert.throws(() => relay.fromCustomer(s, { type: 'clipboard-send', sessionId: 'S1', text: 'x', auto: true }), refusedWith('forbidden'));
  assert.deepEqual(toAgent, []);
  assert.deepEqual(details(events), [{ direction: 'to-agent', kind: 'text', auto: true, refused: 'no-control' }]);
});

test('an image goes in order, chunk by chunk, and the log keeps its kind and size once, never its bytes', () => {
  const { s, relay, toCustomer, events } = stage();
  toCustomer.length = 0;
  const parts = chunks(100_000, 48 * 1024);
  for (const c of parts) relay.fromAgent(s, c);
  assert.deepEqual(toCustomer, parts);
  assert.deepEqual(details(events), [{ direction: 'to-customer', kind: 'image', bytes: 100_000 }]);
  assert.doesNotMatch(JSON.stringify(events), /BwcH/, 'no image data in the log');
  // Out of order: refused.
  relay.fromAgent(s, chunks(100_000, 48 * 1024)[0]!);
  assert.throws(() => relay.fromAgent(s, parts[2]!), refusedWith('bad-message'));
});

test('an image over the organisation’s cap is refused as too large, and nothing of it is passed on', () => {
  const { s, relay, toCustomer } = stage({ clipboardMaxImageMB: 1 });
  toCustomer.length = 0;
  const parts = chunks(1024 * 1024 + 1, 48 * 1024);
  assert.throws(() => relay.fromAgent(s, parts[0]!), refusedWith('too-large'));
  assert.throws(() => relay.fromAgent(s, parts[1]!), refusedWith('bad-message'));
  assert.deepEqual(toCustomer, []);
});

test('the customer’s image goes only in answer to the agent’s fetch (or automatically where allowed)', () => {
  const { s, relay, toAgent, events } = stage();
  toAgent.length = 0;
  const parts = chunks(60_000, 48 * 1024);
  assert.throws(() => relay.fromCustomer(s, parts[0]!), refusedWith('forbidden'));
  relay.fromAgent(s, { type: 'clipboard-fetch', sessionId: 'S1' });
  for (const c of parts) relay.fromCustomer(s, c);
  assert.deepEqual(toAgent, parts);
  assert.deepEqual(details(events), [{ direction: 'to-agent', kind: 'image', bytes: 60_000 }]);
  assert.throws(() => relay.fromCustomer(s, chunks(60_000, 48 * 1024, true)[0]!), refusedWith('forbidden'), 'the automatic sync is off');
});

test('with keystrokes kept, the log keeps the clipboard text too', () => {
  const { s, relay, events } = stage({ recordKeystrokes: true });
  relay.fromAgent(s, { type: 'clipboard-send', sessionId: 'S1', text: 'kept' });
  assert.deepEqual(details(events), [{ direction: 'to-customer', kind: 'text', chars: 4, text: 'kept' }]);
});
