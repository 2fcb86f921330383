/**
 * A hostile party for the flood test, in a process of its own (so its sending never delays the
 * test's own measurements): a customer in a session it never answers, or an agent in a session
 * it opened, that sends chat, whiteboard strokes, file offers and chunks and broken media
 * fragments as fast as the relay takes them, for a given time.
 *
 * argv[2]: JSON {relayUrl, role, token, seconds}. It tells the test in JSON lines on stdout:
 * `{event: 'flooding', sessionId}`, then `{event: 'done', ...}` with what it sent, the ctl
 * errors it got (by code) and how its socket closed (or `{event: 'failed', error}`).
 */
import { COLLAB_LIMITS, type Stroke } from '@beacon/shared/collab';
import { HEADER_BYTES, writeHeader } from '@beacon/shared/framing';
import type { CtlToRelay } from '@beacon/shared/protocol';
import { NdcClient } from '../../relay-server/src/testing/NdcClient.ts';

interface Args {
  relayUrl: string;
  role: 'customer' | 'agent';
  token: string;
  seconds: number;
}

/** The flooder stops queueing while this much is waiting in its own channel (it floods, it does not hoard). */
const MAX_QUEUED_BYTES = 4 * 1024 * 1024;

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const say = (m: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(m)}\n`);

function bigStroke(id: string): Stroke {
  const points: [number, number][] = [];
  for (let i = 0; i < COLLAB_LIMITS.maxStrokePoints; i++) points.push([(i * 7) % 1900, (i * 13) % 1000]);
  return { id, tool: 'pen', color: '#ff0000', width: 4, points, isFading: false };
}

/** Fragment 1023 of a 1024-fragment frame: never a frame's start, always out of order. */
function badFragment(seq: number): Uint8Array {
  const f = new Uint8Array(HEADER_BYTES + 8000);
  writeHeader(f, { isKey: false, fragIndex: 1023, fragCount: 1024, stream: 1, seq, captureTs: Date.now() });
  return f;
}

/**
 * The flooder and the other party of its session, both here (what the relay forwards to that
 * party must not load the test's process): a customer asked by an agent it never answers, or an
 * agent whose session a customer accepted.
 */
async function sessionToFlood(): Promise<{ flooder: NdcClient; other: NdcClient; sessionId: string }> {
  const open = (role: 'customer' | 'agent'): Promise<NdcClient> =>
    NdcClient.open({ relayUrl: args.relayUrl, role, ...(role === 'agent' ? { token: args.token } : {}), name: `flood-${role}`, timeoutMs: 20_000 });
  const customer = await open('customer');
  const agent = await open('agent');
  const { deviceId, code } = customer.device;
  agent.send({ type: 'connect-request', requestId: 'flood-req', deviceId, code, permissions: { view: true, control: true } });
  const ask = await customer.next('consent-request', 20_000);
  if (args.role === 'customer') return { flooder: customer, other: agent, sessionId: ask.sessionId };
  customer.send({ type: 'consent-reply', sessionId: ask.sessionId, granted: true });
  await agent.next('session-started', 20_000);
  return { flooder: agent, other: customer, sessionId: ask.sessionId };
}

/** The flood's messages, as JSON made once (the flooder spends its CPU on sending, not on building). */
function floodMessages(sessionId: string, n: number): { kind: 'chat' | 'stroke' | 'offer' | 'chunk'; text: string }[] {
  const transferId = `flood-${n.toString(36).padStart(8, '0')}`;
  return [
    { kind: 'chat', text: JSON.stringify({ type: 'chat-send', sessionId, text: 'x'.repeat(COLLAB_LIMITS.maxChatChars) } satisfies CtlToRelay) },
    { kind: 'stroke', text: JSON.stringify({ type: 'stroke', sessionId, board: 'blank', stroke: bigStroke(`s${n}`) } satisfies CtlToRelay) },
    { kind: 'offer', text: JSON.stringify({ type: 'file-offer', sessionId, transferId, name: 'flood.bin', mime: 'application/octet-stream', size: COLLAB_LIMITS.maxAttachmentBytes, purpose: 'chat' } satisfies CtlToRelay) },
    { kind: 'chunk', text: JSON.stringify({ type: 'file-chunk', sessionId, transferId, offset: 0, data: Buffer.alloc(COLLAB_LIMITS.chunkBytes, 7).toString('base64') } satisfies CtlToRelay) },
  ];
}

/** libdatachannel throws once the relay has closed the link (the cut-off): that send did not happen. */
function trySend(send: () => boolean): boolean {
  try {
    return send();
  } catch {
    return false;
  }
}

async function flood(client: NdcClient, sessionId: string, closed: Promise<unknown>): Promise<Record<string, number>> {
  const sent = { chat: 0, stroke: 0, offer: 0, chunk: 0, fragment: 0, refusedLocally: 0 };
  // A few variants, so offers and strokes carry different IDs.
  const variants = Array.from({ length: 64 }, (_, n) => floodMessages(sessionId, n));
  const fragments = Array.from({ length: 64 }, (_, n) => badFragment(n));
  let isClosed = false;
  void closed.then(() => (isClosed = true));
  const deadline = Date.now() + args.seconds * 1000;
  for (let n = 0; Date.now() < deadline && !isClosed; n++) {
    const isCtlFull = client.ctlBufferedAmount >= MAX_QUEUED_BYTES;
    if (!isCtlFull) {
      for (const m of variants[n % variants.length] ?? []) {
        if (trySend(() => client.sendCtlRaw(m.text)) || client.ctlBufferedAmount > 0) sent[m.kind]++;
        else sent.refusedLocally++;
      }
    }
    const isMediaFull = client.mediaBufferedAmount >= MAX_QUEUED_BYTES;
    if (!isMediaFull && trySend(() => client.sendMedia(fragments[n % fragments.length] ?? new Uint8Array()))) sent.fragment++;
    // Waits for the relay when both channels are full, rather than spin on a core it shares.
    if (isCtlFull && isMediaFull) await new Promise((r) => setTimeout(r, 1));
    else if (n % 4 === 3) await new Promise((r) => setImmediate(r));
  }
  return sent;
}

async function main(): Promise<void> {
  const { flooder: client, other, sessionId } = await sessionToFlood();
  const closed = client.whenClosed();
  say({ event: 'flooding', sessionId });
  const startedAt = Date.now();
  const sent = await flood(client, sessionId, closed);
  const floodMs = Date.now() - startedAt;
  // The cut-off may still be on its way.
  const close = await Promise.race([closed, new Promise<null>((r) => setTimeout(() => r(null), 5000))]);
  const errors: Record<string, number> = {};
  for (const m of client.ctlInbox.all) {
    if (m.type !== 'error') continue;
    errors[m.code] = (errors[m.code] ?? 0) + 1;
  }
  say({ event: 'done', sent, floodMs, errors, close });
  client.close();
  other.close();
  process.exit(0);
}

main().catch((err: unknown) => {
  say({ event: 'failed', error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
