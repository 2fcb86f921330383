/**
 * A hostile party for the flood test, in a process of its own (so its sending never delays the
 * test's own measurements): a customer in a session it never answers, or an agent in a session
 * it opened, that sends chat, whiteboard strokes, file offers and chunks and broken media
 * fragments as fast as the relay takes them, for a given time.
 *
 * argv[2]: JSON {relayUrl, role, token?, seconds}. It talks to the test in JSON lines:
 * stdout `{event: 'ready', deviceId?, code?}`, then `{event: 'flooding', sessionId}`, then
 * `{event: 'done', ...}` with what it sent, the ctl errors it got (by code) and how its socket
 * closed; an agent reads one stdin line `{deviceId, code}` naming the customer to connect to.
 */
import { createInterface } from 'node:readline';
import { COLLAB_LIMITS, type Stroke } from '@beacon/shared/collab';
import { HEADER_BYTES, writeHeader } from '@beacon/shared/framing';
import type { CtlToRelay } from '@beacon/shared/protocol';
import { NdcClient } from '../../relay-server/src/testing/NdcClient.ts';

interface Args {
  relayUrl: string;
  role: 'customer' | 'agent';
  token?: string;
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

async function sessionToFlood(client: NdcClient): Promise<string> {
  if (args.role === 'customer') return (await client.next('consent-request', 60_000)).sessionId;
  const lines = createInterface({ input: process.stdin });
  const line = await new Promise<string>((resolve) => lines.once('line', resolve));
  lines.close();
  const { deviceId, code } = JSON.parse(line) as { deviceId: string; code: string };
  client.send({ type: 'connect-request', requestId: 'flood-req', deviceId, code, permissions: { view: true, control: true } });
  return (await client.next('session-started', 60_000)).sessionId;
}

async function flood(client: NdcClient, sessionId: string, closed: Promise<unknown>): Promise<Record<string, number>> {
  const sent = { chat: 0, stroke: 0, offer: 0, chunk: 0, fragment: 0, refusedLocally: 0 };
  const chunk = Buffer.alloc(COLLAB_LIMITS.chunkBytes, 7).toString('base64');
  const text = 'x'.repeat(COLLAB_LIMITS.maxChatChars);
  let isClosed = false;
  void closed.then(() => (isClosed = true));
  const deadline = Date.now() + args.seconds * 1000;
  let n = 0;
  const send = (m: CtlToRelay, kind: keyof typeof sent): void => {
    if (client.sendCtl(m) || client.ctlBufferedAmount > 0) sent[kind]++;
    else sent.refusedLocally++;
  };
  while (Date.now() < deadline && !isClosed) {
    if (client.ctlBufferedAmount < MAX_QUEUED_BYTES) {
      for (let k = 0; k < 4; k++, n++) {
        const transferId = `flood-${n.toString(36).padStart(8, '0')}`;
        send({ type: 'chat-send', sessionId, text }, 'chat');
        send({ type: 'stroke', sessionId, board: 'blank', stroke: bigStroke(`s${n}`) }, 'stroke');
        send({ type: 'file-offer', sessionId, transferId, name: 'flood.bin', mime: 'application/octet-stream', size: COLLAB_LIMITS.maxAttachmentBytes, purpose: 'chat' }, 'offer');
        send({ type: 'file-chunk', sessionId, transferId, offset: 0, data: chunk }, 'chunk');
      }
    }
    if (client.mediaBufferedAmount < MAX_QUEUED_BYTES && client.sendMedia(badFragment(n))) sent.fragment++;
    await new Promise((r) => setImmediate(r));
  }
  return sent;
}

async function main(): Promise<void> {
  const client = await NdcClient.open({ relayUrl: args.relayUrl, role: args.role, ...(args.token ? { token: args.token } : {}), name: `flood-${args.role}`, timeoutMs: 20_000 });
  const closed = client.whenClosed();
  say(args.role === 'customer' ? { event: 'ready', deviceId: client.device.deviceId, code: client.device.code } : { event: 'ready' });
  const sessionId = await sessionToFlood(client);
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
  process.exit(0);
}

main().catch((err: unknown) => {
  say({ event: 'failed', error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
