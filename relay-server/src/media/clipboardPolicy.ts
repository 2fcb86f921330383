/**
 * What a session's clipboard may do (capability `clipboard-sync`): the automatic sync per
 * direction and the image cap, from the organisation's settings when the session started; and
 * the chunks of one clipboard image per direction, checked to arrive in order and under the cap.
 */
import { ProtocolError } from '@beacon/shared/errors';
import type { OrgSettings } from '@beacon/shared/api';
import { base64Size, CLIPBOARD_IMAGE_DEFAULT_MB, type ClipboardImage, type ClipboardPolicy } from '@beacon/shared/protocol';

export type ClipboardRules = Omit<ClipboardPolicy, 'type' | 'sessionId'>;
export type ClipboardDirection = 'to-customer' | 'to-agent';

/** The organisation's settings as a session's rules (null before setup: the defaults, sync off, 8 MB). */
export function clipboardRulesOf(settings: OrgSettings | null): ClipboardRules {
  return {
    toCustomer: settings?.clipboardSyncToCustomer ?? false,
    toAgent: settings?.clipboardSyncToAgent ?? false,
    maxImageBytes: (settings?.clipboardMaxImageMB ?? CLIPBOARD_IMAGE_DEFAULT_MB) * 1024 * 1024,
  };
}

interface Moving {
  clipId: string;
  size: number;
  next: number;
}

/** The image moving in each direction of each session. */
export class ClipboardImages {
  private readonly moving = new Map<string, Moving>();

  /**
   * Checks a chunk: one at offset 0 starts an image (dropping one not finished), under
   * `maxBytes` (`too-large` otherwise); the others continue it in order (`bad-message`).
   * True for the image's last chunk.
   */
  take(sessionId: string, direction: ClipboardDirection, msg: ClipboardImage, maxBytes: number): boolean {
    const key = `${sessionId}/${direction}`;
    const length = base64Size(msg.data);
    if (msg.data.length % 4 !== 0 || length <= 0) throw new ProtocolError('bad-message', 'a clipboard image chunk is whole base64');
    if (msg.offset === 0) {
      this.moving.delete(key);
      if (msg.size > maxBytes) throw new ProtocolError('too-large', `clipboard images are at most ${maxBytes} bytes here; send the picture as a file instead`);
      this.moving.set(key, { clipId: msg.clipId, size: msg.size, next: 0 });
    }
    const m = this.moving.get(key);
    if (!m || m.clipId !== msg.clipId || m.size !== msg.size || m.next !== msg.offset) {
      throw new ProtocolError('bad-message', 'clipboard image chunks come in order, from offset 0');
    }
    if (msg.offset + length > m.size) throw new ProtocolError('bad-message', `more than the ${m.size} bytes announced`);
    m.next += length;
    if (m.next < m.size) return false;
    this.moving.delete(key);
    return true;
  }

  /** Whether a chunk continues an image already started (so needs no new permission). */
  isContinuing(sessionId: string, direction: ClipboardDirection, msg: ClipboardImage): boolean {
    return msg.offset > 0 && this.moving.get(`${sessionId}/${direction}`)?.clipId === msg.clipId;
  }

  sessionEnded(sessionId: string): void {
    this.moving.delete(`${sessionId}/to-customer`);
    this.moving.delete(`${sessionId}/to-agent`);
  }
}
