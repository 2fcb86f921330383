/**
 * HTTP API for collaboration records: a session's chat and files (with download), a
 * directory customer's chat history across sessions, and the seat's quick replies. Who may
 * read a session or customer is decided by Policy, exactly as for the session log.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { QuickReplies, type ChatHistory, type SessionFileList } from '@beacon/shared/collab';
import { ProtocolError } from '@beacon/shared/errors';
import { demand, type ActorContext, type ApiRoute } from '../accounts/Policy.ts';
import type { CustomerStore } from '../directory/CustomerStore.ts';
import { readableSession } from '../history/HistoryRoutes.ts';
import type { SessionHistory } from '../history/SessionHistory.ts';
import { ok, readJson } from '../platform/route.ts';
import type { CollabStore } from './CollabStore.ts';
import type { FileTransfers } from './FileTransfers.ts';

export interface CollabRouteDeps {
  store: CollabStore;
  files: FileTransfers;
  customers: CustomerStore;
  sessionHistory: SessionHistory;
}

const SESSION = '(?<id>[A-Za-z0-9_-]{1,64})';

/** A download name safe inside a quoted header value, with the real name as RFC 5987 UTF-8. */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export function collabRoutes(c: CollabRouteDeps): ApiRoute[] {
  const readable = (ctx: ActorContext) => readableSession(c.sessionHistory, ctx, 'session.read');

  return [
    {
      method: 'GET',
      path: new RegExp(`^/api/sessions/${SESSION}/chat$`),
      handle: async (ctx) => {
        const s = await readable(ctx);
        return ok({ messages: await c.store.chatOfSession(s.id) } satisfies ChatHistory);
      },
    },
    {
      method: 'GET',
      path: new RegExp(`^/api/sessions/${SESSION}/files$`),
      handle: async (ctx) => {
        const s = await readable(ctx);
        return ok({ files: await c.store.filesOf(s.id) } satisfies SessionFileList);
      },
    },
    {
      method: 'GET',
      path: new RegExp(`^/api/sessions/${SESSION}/files/(?<fileId>\\d{1,15})$`),
      handle: async (ctx) => {
        const s = await readable(ctx);
        const f = await c.store.file(s.id, Number(ctx.params.fileId));
        if (!f) throw new ProtocolError('not-found', 'no such file in this session');
        const p = c.files.pathOf(f.stored_name);
        const st = await stat(p).catch(() => null);
        if (!st) throw new ProtocolError('not-found', 'the file is no longer stored');
        ctx.res.writeHead(200, {
          'Content-Type': f.mime,
          'Content-Length': String(st.size),
          'Content-Disposition': contentDisposition(f.name),
          'Cache-Control': 'private, no-store',
          'X-Content-Type-Options': 'nosniff',
          // A stored file is user content: never let it run as a page of the relay's origin.
          'Content-Security-Policy': "default-src 'none'; sandbox",
        });
        createReadStream(p).on('error', () => ctx.res.destroy()).pipe(ctx.res);
        return undefined;
      },
    },
    {
      method: 'GET',
      path: /^\/api\/customers\/(?<id>\d{1,15})\/chat$/,
      handle: async (ctx) => {
        const customer = await c.customers.record(Number(ctx.params.id));
        if (!customer) throw new ProtocolError('not-found', 'no such customer');
        demand(ctx.actor, 'customer.read', customer);
        return ok({ messages: await c.store.chatOfCustomer(customer.id) } satisfies ChatHistory);
      },
    },
    {
      method: 'GET',
      path: /^\/api\/me\/quick-replies$/,
      handle: async (ctx) => ok({ replies: await c.store.quickReplies(ctx.actor.id) } satisfies QuickReplies),
    },
    {
      method: 'PUT',
      path: /^\/api\/me\/quick-replies$/,
      handle: async (ctx) => {
        const body = await readJson(ctx, QuickReplies);
        await c.store.setQuickReplies(ctx.actor.id, body.replies);
        return ok(body);
      },
    },
  ];
}
