/**
 * One session's chat, attachments, screenshots and whiteboard boards on a client (DOM layer:
 * both renderers use it). Feeds on the session's collaboration ctl messages and sends with
 * the given `sendCtl`; the UI reads {@link snapshot} and subscribes for changes.
 *
 * Uploads are chunked (COLLAB_LIMITS.chunkBytes) with at most `windowBytes` unacknowledged,
 * so a 10 MB file never floods the ctl channel, and offered with their SHA-256. Downloads are
 * assembled into Blobs and shown only if their size and hash are the offer's (else the
 * transfer fails `not-delivered`); the relay may cut a chunk into smaller ones on the way.
 */
import { COLLAB_LIMITS, type BoardId, type ChatMessage, type FilePurpose, type FileRef, type Stroke } from '../collab.ts';
import type { ErrorCode } from '../errors.ts';
import { isCollabCtl, type CollabCtlFromRelay, type CtlFromRelay, type CtlToRelay } from '../protocol.ts';
import { BoardModel } from '../whiteboard.ts';
import { randomId } from './randomId.ts';

export interface TransferView {
  transferId: string;
  name: string;
  mime: string;
  size: number;
  done: number;
  direction: 'up' | 'down';
  purpose: FilePurpose;
  /** Set when it failed: the error code (`too-large`, ...; `relay-unreachable` when the link was down). */
  errorCode: ErrorCode | 'relay-unreachable' | null;
}

export interface CollabSnapshot {
  messages: readonly ChatMessage[];
  transfers: readonly TransferView[];
  /** Object URLs of complete files (uploads and downloads), by transferId. */
  urls: Readonly<Record<string, string>>;
  /** Screenshots received, newest last. */
  screenshots: readonly FileRef[];
  unread: number;
  /** Bumped on every board change, so views know to repaint. */
  boardRevision: number;
}

/** Whether a ctl message from the relay is collaboration (see `CollabCtlFromRelay`). */
export const isCollabMessage = (msg: CtlFromRelay): msg is CollabCtlFromRelay => isCollabCtl(msg);

export function randomTransferId(prefix = 'tr'): string {
  return `${prefix}-${randomId(9)}`;
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(data: string): Uint8Array<ArrayBuffer> {
  const s = atob(data);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** SHA-256 of some bytes, lower-case hex (the `sha256` of a `file-offer`). */
export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A download in progress: its chunks so far, and what the offer said the whole file is. */
interface Download {
  parts: Uint8Array<ArrayBuffer>[];
  bytes: number;
  size: number;
  sha256: string | undefined;
}

interface Upload {
  bytes: Uint8Array;
  sent: number;
  acked: number;
  isEnded: boolean;
}

export class CollabSession {
  readonly boards: Record<BoardId, BoardModel> = { screen: new BoardModel(), blank: new BoardModel() };
  private snap: CollabSnapshot = { messages: [], transfers: [], urls: {}, screenshots: [], unread: 0, boardRevision: 0 };
  private readonly listeners = new Set<() => void>();
  private readonly uploads = new Map<string, Upload>();
  private readonly downloads = new Map<string, Download>();
  private readonly boardListeners = new Set<(board: BoardId, msg: CollabCtlFromRelay) => void>();
  /** Whether the user is looking at this chat (no unread count then). */
  isVisible = false;
  private isClosed = false;

  constructor(
    readonly sessionId: string,
    readonly role: 'agent' | 'customer',
    private readonly sendCtl: (msg: CtlToRelay) => boolean,
    private readonly now: () => number = () => performance.now(),
  ) {}

  readonly subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  readonly getSnapshot = (): CollabSnapshot => this.snap;

  /** Called for every stroke/undo/clear received (the customer forwards them to its overlay window). */
  onBoardMessage(l: (board: BoardId, msg: CollabCtlFromRelay) => void): () => void {
    this.boardListeners.add(l);
    return () => this.boardListeners.delete(l);
  }

  /** A message from the other side arrived (for sounds and notifications). */
  onIncoming: ((m: ChatMessage) => void) | null = null;

  markRead(): void {
    if (this.snap.unread) this.set({ unread: 0 });
  }

  sendText(text: string): boolean {
    const trimmed = text.trim();
    if (!trimmed || trimmed.length > COLLAB_LIMITS.maxChatChars) return false;
    return this.sendCtl({ type: 'chat-send', sessionId: this.sessionId, text: trimmed });
  }

  /**
   * Uploads a file or image. Returns `too-large` at once (nothing sent) past the limit.
   * `transferId` is given for screenshots (the request's ID).
   */
  async sendFile(file: Blob, name: string, purpose: FilePurpose = 'chat', transferId = randomTransferId()): Promise<'too-large' | null> {
    const mime = /^[a-z0-9.+-]+\/[a-z0-9.+-]+$/i.test(file.type) ? file.type : 'application/octet-stream';
    const view: TransferView = { transferId, name, mime, size: file.size, done: 0, direction: 'up', purpose, errorCode: null };
    if (file.size > COLLAB_LIMITS.maxAttachmentBytes) {
      this.upsertTransfer({ ...view, errorCode: 'too-large' });
      return 'too-large';
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    const sha256 = await sha256Hex(bytes);
    this.upsertTransfer(view);
    this.set({ urls: { ...this.snap.urls, [transferId]: URL.createObjectURL(new Blob([bytes], { type: mime })) } });
    this.uploads.set(transferId, { bytes, sent: 0, acked: 0, isEnded: false });
    const safeName = name.replace(/[/\\\u0000-\u001f]/g, '_').slice(0, 200) || 'file';
    this.sendCtl({ type: 'file-offer', sessionId: this.sessionId, transferId, name: safeName, mime, size: bytes.length, purpose, sha256 });
    this.pump(transferId);
    return null;
  }

  cancelUpload(transferId: string): void {
    if (this.uploads.delete(transferId)) this.sendCtl({ type: 'file-cancel', sessionId: this.sessionId, transferId });
  }

  /** Draws on a board: applied locally at once, then sent. */
  addStroke(board: BoardId, stroke: Stroke): void {
    this.boards[board].add(stroke, this.now());
    this.bumpBoard();
    this.sendCtl({ type: 'stroke', sessionId: this.sessionId, board, stroke });
  }

  undo(board: BoardId): void {
    const last = this.boards[board].last();
    if (!last) return;
    this.boards[board].undo(last.id);
    this.bumpBoard();
    this.sendCtl({ type: 'stroke-undo', sessionId: this.sessionId, board, strokeId: last.id });
  }

  clear(board: BoardId): void {
    this.boards[board].clear();
    this.bumpBoard();
    this.sendCtl({ type: 'board-clear', sessionId: this.sessionId, board });
  }

  /** Feeds one ctl message of this session; returns false if it is not a collaboration message. */
  handle(msg: CtlFromRelay): boolean {
    if (!isCollabMessage(msg) || this.isClosed) return false;
    switch (msg.type) {
      case 'chat': {
        if (this.snap.messages.some((m) => m.id === msg.message.id)) return true;
        const isIncoming = msg.message.from !== this.role;
        this.set({ messages: [...this.snap.messages, msg.message], unread: this.snap.unread + (isIncoming && !this.isVisible ? 1 : 0) });
        if (isIncoming) this.onIncoming?.(msg.message);
        return true;
      }
      case 'file-offer':
        this.downloads.set(msg.transferId, { parts: [], bytes: 0, size: msg.size, sha256: msg.sha256 });
        this.upsertTransfer({ transferId: msg.transferId, name: msg.name, mime: msg.mime, size: msg.size, done: 0, direction: 'down', purpose: msg.purpose, errorCode: null });
        return true;
      case 'file-chunk': {
        const down = this.downloads.get(msg.transferId);
        if (!down) return true;
        const bytes = fromBase64(msg.data);
        down.parts.push(bytes);
        down.bytes += bytes.length;
        this.patchTransfer(msg.transferId, (t) => ({ ...t, done: t.done + bytes.length }));
        return true;
      }
      case 'file-progress': {
        const up = this.uploads.get(msg.transferId);
        if (up) {
          up.acked = msg.received;
          this.pump(msg.transferId);
        }
        this.patchTransfer(msg.transferId, (t) => ({ ...t, done: msg.received }));
        return true;
      }
      case 'file-done': {
        const id = msg.file.transferId;
        this.uploads.delete(id);
        const down = this.downloads.get(id);
        this.downloads.delete(id);
        if (!down) this.complete(msg.file, null);
        else void this.verify(down, msg.file).then((isWhole) => (isWhole ? this.complete(msg.file, down.parts) : this.patchTransfer(id, (t) => ({ ...t, errorCode: 'not-delivered' }))));
        return true;
      }
      case 'file-abort':
        this.uploads.delete(msg.transferId);
        this.downloads.delete(msg.transferId);
        this.patchTransfer(msg.transferId, (t) => ({ ...t, errorCode: msg.code }));
        return true;
      case 'file-end':
      case 'file-cancel':
        return true;
      case 'stroke':
        this.boards[msg.board].add(msg.stroke, this.now());
        this.bumpBoard();
        this.fireBoard(msg.board, msg);
        return true;
      case 'stroke-undo':
        this.boards[msg.board].undo(msg.strokeId);
        this.bumpBoard();
        this.fireBoard(msg.board, msg);
        return true;
      case 'board-clear':
        this.boards[msg.board].clear();
        this.bumpBoard();
        this.fireBoard(msg.board, msg);
        return true;
      case 'screenshot-request':
        // The customer app answers it with a capture (see its SessionCollab), not this session.
        return false;
    }
  }

  /** Whether a download has the offer's size (and the relay's, in `file-done`) and, when offered, its SHA-256. */
  private async verify(down: Download, file: FileRef): Promise<boolean> {
    if (down.bytes !== down.size || down.bytes !== file.size) return false;
    if (down.sha256 === undefined) return true;
    const whole = new Uint8Array(down.bytes);
    let at = 0;
    for (const p of down.parts) {
      whole.set(p, at);
      at += p.length;
    }
    return (await sha256Hex(whole)) === down.sha256;
  }

  /** A transfer is done: its file is shown (a download from its verified parts), its progress row goes. */
  private complete(file: FileRef, parts: Uint8Array<ArrayBuffer>[] | null): void {
    if (this.isClosed) return;
    const id = file.transferId;
    const urls = { ...this.snap.urls };
    if (parts) urls[id] = URL.createObjectURL(new Blob(parts, { type: file.mime }));
    this.set({
      urls,
      transfers: this.snap.transfers.filter((t) => t.transferId !== id),
      screenshots: file.purpose === 'screenshot' ? [...this.snap.screenshots, file] : this.snap.screenshots,
    });
  }

  /** The stored blob behind a complete transfer (to attach a screenshot to the chat). */
  async blobOf(transferId: string): Promise<Blob | null> {
    const url = this.snap.urls[transferId];
    return url ? (await fetch(url)).blob() : null;
  }

  /** Idempotent: stops uploads and frees object URLs. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const id of this.uploads.keys()) this.sendCtl({ type: 'file-cancel', sessionId: this.sessionId, transferId: id });
    this.uploads.clear();
    for (const url of Object.values(this.snap.urls)) URL.revokeObjectURL(url);
    this.listeners.clear();
    this.boardListeners.clear();
  }

  private pump(transferId: string): void {
    const up = this.uploads.get(transferId);
    if (!up) return;
    while (up.sent < up.bytes.length && up.sent - up.acked < COLLAB_LIMITS.windowBytes) {
      const chunk = up.bytes.subarray(up.sent, up.sent + COLLAB_LIMITS.chunkBytes);
      if (!this.sendCtl({ type: 'file-chunk', sessionId: this.sessionId, transferId, offset: up.sent, data: toBase64(chunk) })) {
        this.uploads.delete(transferId);
        this.patchTransfer(transferId, (t) => ({ ...t, errorCode: 'relay-unreachable' }));
        return;
      }
      up.sent += chunk.length;
    }
    if (up.sent === up.bytes.length && !up.isEnded) {
      up.isEnded = true;
      this.sendCtl({ type: 'file-end', sessionId: this.sessionId, transferId });
    }
  }

  private fireBoard(board: BoardId, msg: CollabCtlFromRelay): void {
    for (const l of [...this.boardListeners]) {
      try {
        l(board, msg);
      } catch (err) {
        console.error('[beacon] board listener failed', err);
      }
    }
  }

  private bumpBoard(): void {
    this.set({ boardRevision: this.snap.boardRevision + 1 });
  }

  private upsertTransfer(t: TransferView): void {
    this.set({ transfers: [...this.snap.transfers.filter((x) => x.transferId !== t.transferId), t] });
  }

  private patchTransfer(id: string, f: (t: TransferView) => TransferView): void {
    if (!this.snap.transfers.some((t) => t.transferId === id)) return;
    this.set({ transfers: this.snap.transfers.map((t) => (t.transferId === id ? f(t) : t)) });
  }

  private set(patch: Partial<CollabSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    for (const l of [...this.listeners]) l();
  }
}
