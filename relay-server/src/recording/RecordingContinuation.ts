/**
 * One recording across a relay's death (issue 15). When a relay takes over a running session
 * whose relay died (cluster/SessionFailover.ts), it goes on with the same chunk journal rather
 * than starting a second one: it fetches the journal's copy from the bucket (the chunks the dead
 * relay shipped, at most its last seconds short), appends its own records after the last whole
 * one, and ships them as the next numbered chunks. The finished file is then muxed from one
 * journal as ever: one recording, with a gap only where no media reached any relay.
 *
 * Times: the muxer puts every video packet on the media clock with the journal's final clock
 * offset, so the continuing relay writes no clock record; it stamps its packets so that the first
 * relay's offset puts them where its own estimate of the customer's clock says they belong.
 */
import { rm } from 'node:fs/promises';
import type { StreamConfig } from '@beacon/shared/protocol';
import type { Logger } from '../platform/logger.ts';
import { ChunkJournalReader } from './ChunkJournal.ts';
import { VIDEO_TRACK } from './SessionRecording.ts';
import type { ContinuedCopy, JournalStore } from './storage/JournalStore.ts';

/** What the journal so far says that its continuation needs. */
export interface JournalTail {
  /** Bytes of whole records (appends go after them). */
  validBytes: number;
  /** The clock offset in force (the last clock record's). */
  offsetUs: number;
  /** The screen's parameters as last declared (a customer that does not say them again is still recorded). */
  config: StreamConfig | null;
}

export async function readTail(localPath: string): Promise<JournalTail> {
  const reader = new ChunkJournalReader(localPath);
  let offsetUs = 0;
  let config: StreamConfig | null = null;
  for await (const rec of reader.records()) {
    if (rec.type === 'clock') offsetUs = rec.offsetUs;
    else if (rec.type === 'track' && rec.track === VIDEO_TRACK && rec.spec.kind === 'video') config = { codec: rec.spec.codec, width: rec.spec.width, height: rec.spec.height };
  }
  return { validBytes: reader.validBytes, offsetUs, config };
}

/**
 * The session's journal copy, fetched into `localPath` to be continued, with where the copy
 * stands; null when there is none, or when it ends inside a record (its chunks could not be
 * continued without a hole), so this relay does not record the rest.
 */
export async function fetchForContinuation(journals: JournalStore, sessionId: string, localPath: string, log: Logger): Promise<{ tail: JournalTail; copy: ContinuedCopy } | null> {
  await rm(localPath, { force: true });
  const copy = await journals.fetchChunks(sessionId, localPath);
  if (!copy) {
    log.warn('recording not continued: no journal copy in the bucket', { sessionId });
    return null;
  }
  const tail = await readTail(localPath);
  if (tail.validBytes !== copy.bytes) {
    log.warn('recording not continued: its copy ends inside a record', { sessionId, bytes: copy.bytes, validBytes: tail.validBytes });
    await rm(localPath, { force: true });
    return null;
  }
  log.info('recording continued from its copy in the bucket', { sessionId, bytes: copy.bytes, chunks: copy.seq });
  return { tail, copy };
}
