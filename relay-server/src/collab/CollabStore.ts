/**
 * Chat messages, stored attachments and quick replies in SQLite (migration 3). Every row
 * read back goes through zod.
 */
import { z } from 'zod';
import { COLLAB_LIMITS, FilePurpose, ChatMessage, type FileRef, type SessionFileList } from '@beacon/shared/collab';
import { parseUnknown } from '@beacon/shared/parse';
import type { Database } from '../platform/Database.ts';
import { IdBlocks } from '../platform/IdBlocks.ts';
import type { Logger } from '../platform/logger.ts';

const SenderRole = z.enum(['customer', 'agent']);

const FileRow = z.object({
  id: z.number().int(),
  session_id: z.string(),
  at: z.number(),
  sender_role: SenderRole,
  purpose: FilePurpose,
  transfer_id: z.string(),
  name: z.string(),
  mime: z.string(),
  size: z.number().int(),
  stored_name: z.string(),
});
export type StoredFile = z.infer<typeof FileRow>;

const ChatRow = z.object({
  id: z.number().int(),
  session_id: z.string(),
  at: z.number(),
  sender_role: SenderRole,
  sender_name: z.string(),
  text: z.string(),
  participant_role: ChatMessage.shape.senderRole.unwrap().nullable(),
  f_id: z.number().int().nullable(),
  f_transfer_id: z.string().nullable(),
  f_name: z.string().nullable(),
  f_mime: z.string().nullable(),
  f_size: z.number().int().nullable(),
  f_purpose: FilePurpose.nullable(),
});

const CHAT_SELECT = `SELECT c.id, c.session_id, c.at, c.sender_role, c.sender_name, c.text, c.participant_role,
  f.id AS f_id, f.transfer_id AS f_transfer_id, f.name AS f_name, f.mime AS f_mime, f.size AS f_size, f.purpose AS f_purpose
  FROM chat_messages c LEFT JOIN session_files f ON f.id = c.file_id`;

/** A customer's history is capped so one request cannot read an unbounded table. */
const MAX_HISTORY = 1000;

export function fileRef(f: StoredFile): FileRef {
  return { id: f.id, transferId: f.transfer_id, name: f.name, mime: f.mime, size: f.size, purpose: f.purpose };
}

type NewChat = { sessionId: string; from: 'customer' | 'agent'; senderName: string; text: string; file?: StoredFile };

export class CollabStore {
  private readonly chatIds: IdBlocks;

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.chatIds = new IdBlocks(db, 'chat_messages', 'chat_messages');
  }

  /** Stores a chat message and returns it. */
  async addChat(m: NewChat): Promise<ChatMessage> {
    const msg = await this.newChat(m);
    await this.writeChat(msg);
    return msg;
  }

  /**
   * A chat message with its row ID, before the row is written, so it can be passed on without
   * waiting for the database (one connection every session shares: under a flood from another
   * session a write waited up to a second). IDs come from blocks this relay reserves (IdBlocks:
   * unique across relays on one database), in call order; every chat row is written through
   * {@link writeChat}, in the same order.
   */
  async newChat(m: NewChat): Promise<ChatMessage> {
    const id = await this.chatIds.take();
    const msg: ChatMessage = { id, sessionId: m.sessionId, at: Math.round(this.now()), from: m.from, senderName: m.senderName, text: m.text };
    if (m.file) msg.file = fileRef(m.file);
    return msg;
  }

  /** Writes the row of a message from {@link newChat} (issue it before any later one's: rows keep ID order). */
  async writeChat(msg: ChatMessage): Promise<void> {
    await this.db.run('INSERT INTO chat_messages (id, session_id, at, sender_role, sender_name, text, file_id, participant_role) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
      msg.id,
      msg.sessionId,
      msg.at,
      msg.from,
      msg.senderName,
      msg.text,
      msg.file?.id ?? null,
      msg.senderRole ?? null,
    ]);
  }

  async addFile(f: Omit<StoredFile, 'id' | 'at'>): Promise<StoredFile> {
    const at = Math.round(this.now());
    const r = await this.db.run(
      'INSERT INTO session_files (session_id, at, sender_role, purpose, transfer_id, name, mime, size, stored_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [f.session_id, at, f.sender_role, f.purpose, f.transfer_id, f.name, f.mime, f.size, f.stored_name],
    );
    return { ...f, id: r.lastId, at };
  }

  async file(sessionId: string, fileId: number): Promise<StoredFile | null> {
    const rows = await this.db.all('SELECT * FROM session_files WHERE session_id = ? AND id = ?', [sessionId, fileId]);
    return this.files(rows)[0] ?? null;
  }

  async filesOf(sessionId: string): Promise<SessionFileList['files']> {
    const rows = this.files(await this.db.all('SELECT * FROM session_files WHERE session_id = ? ORDER BY id', [sessionId]));
    return rows.map((f) => ({ ...fileRef(f), at: f.at, from: f.sender_role }));
  }

  async chatOfSession(sessionId: string): Promise<ChatMessage[]> {
    return this.chats(await this.db.all(`${CHAT_SELECT} WHERE c.session_id = ? ORDER BY c.at, c.id`, [sessionId]));
  }

  /** Every message of every session linked to this directory customer, oldest first (the newest MAX_HISTORY). */
  async chatOfCustomer(customerId: number): Promise<ChatMessage[]> {
    const rows = await this.db.all(
      `SELECT * FROM (${CHAT_SELECT} JOIN sessions s ON s.id = c.session_id WHERE s.customer_id = ? ORDER BY c.at DESC, c.id DESC LIMIT ?) AS recent ORDER BY at, id`,
      [customerId, MAX_HISTORY],
    );
    return this.chats(rows);
  }

  async quickReplies(accountId: number): Promise<string[]> {
    const rows = await this.db.all('SELECT replies FROM quick_replies WHERE account_id = ?', [accountId]);
    const r = parseUnknown(z.object({ replies: z.string() }), rows[0], 'quick_replies row');
    if (!r.ok) return [];
    try {
      const list = parseUnknown(z.array(z.string()).max(COLLAB_LIMITS.maxQuickReplies), JSON.parse(r.value.replies), 'quick_replies.replies');
      return list.ok ? list.value : [];
    } catch {
      return [];
    }
  }

  async setQuickReplies(accountId: number, replies: readonly string[]): Promise<void> {
    await this.db.run(
      'INSERT INTO quick_replies (account_id, replies, updated_at) VALUES (?, ?, ?) ON CONFLICT(account_id) DO UPDATE SET replies = excluded.replies, updated_at = excluded.updated_at',
      [accountId, JSON.stringify(replies), Math.round(this.now())],
    );
  }

  private files(rows: unknown[]): StoredFile[] {
    const out: StoredFile[] = [];
    for (const raw of rows) {
      const r = parseUnknown(FileRow, raw, 'session_files row');
      if (r.ok) out.push(r.value);
      else this.log.error('unreadable file row skipped', { err: r.error.message });
    }
    return out;
  }

  private chats(rows: unknown[]): ChatMessage[] {
    const out: ChatMessage[] = [];
    for (const raw of rows) {
      const r = parseUnknown(ChatRow, raw, 'chat_messages row');
      if (!r.ok) {
        this.log.error('unreadable chat row skipped', { err: r.error.message });
        continue;
      }
      const c = r.value;
      const m: ChatMessage = { id: c.id, sessionId: c.session_id, at: c.at, from: c.sender_role, senderName: c.sender_name, text: c.text };
      if (c.participant_role) m.senderRole = c.participant_role;
      if (c.f_id !== null && c.f_transfer_id && c.f_name && c.f_mime && c.f_size !== null && c.f_purpose) {
        m.file = { id: c.f_id, transferId: c.f_transfer_id, name: c.f_name, mime: c.f_mime, size: c.f_size, purpose: c.f_purpose };
      }
      out.push(m);
    }
    return out;
  }
}
