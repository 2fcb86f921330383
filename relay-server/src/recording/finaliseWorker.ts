/**
 * The finaliser's worker thread: muxes chunk journals into files away from the relay's event
 * loop, so writing a long recording never delays live frames. One job at a time.
 */
import { parentPort } from 'node:worker_threads';
import { parseUnknown } from '@beacon/shared/parse';
import { FinaliseJob, type FinaliseReply } from './Finaliser.ts';
import { muxChunkJournal, NothingToMuxError } from './RecordingMuxer.ts';

const port = parentPort;
if (!port) throw new Error('finaliseWorker.ts runs as a worker thread');

port.on('message', (raw: unknown) => {
  const r = parseUnknown(FinaliseJob, raw, 'finalise job');
  if (!r.ok) {
    port.postMessage({ id: -1, ok: false, isEmpty: false, error: r.error.message } satisfies FinaliseReply);
    return;
  }
  const job = r.value;
  muxChunkJournal(job.chunkJournalPath, job.outPath).then(
    (result) => port.postMessage({ id: job.id, ok: true, result } satisfies FinaliseReply),
    (err: unknown) =>
      port.postMessage({ id: job.id, ok: false, isEmpty: err instanceof NothingToMuxError, error: err instanceof Error ? err.message : String(err) } satisfies FinaliseReply),
  );
});
