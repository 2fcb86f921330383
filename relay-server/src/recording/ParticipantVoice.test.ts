/** A call with several agents (`voice-multi`) in the recording: the customer, the session's agent and each participant who spoke, an Opus track each. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ALL_FORMATS, FilePathSource, Input } from 'mediabunny';
import { muxChunkJournal } from './RecordingMuxer.ts';
import { SessionRecording } from './SessionRecording.ts';
import { loadTonePackets, OPUS_PT, readTone, rtpOf, TONE_HZ } from './testing/voice.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'beacon-partvoice-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the customer, the agent and two participants who spoke are four voice tracks, each with its tone', async () => {
  const tone = await loadTonePackets();
  let clock = 1_000_000;
  const log = path.join(dir, 'multi.bcl');
  const rec = new SessionRecording({ sessionId: 'multi', chunkJournalPath: log, startedAt: clock, now: () => clock, requestKeyframe: () => undefined, onProblem: () => assert.fail('no problem expected') });
  let later = 0;
  tone.forEach((pkt, i) => {
    clock += 20;
    const at = (ssrc: number, offset: number) => rtpOf(pkt, { sequence: i, timestamp: offset + i * 960, ssrc, hasExtension: true });
    rec.voice('agent', at(11, 0), OPUS_PT);
    rec.voice('customer', at(22, 9000), OPUS_PT);
    rec.participantVoice(7, at(33, 18_000), OPUS_PT);
    // A second participant starts speaking later, and keeps its own track.
    if (i >= tone.length / 2) {
      rec.participantVoice(9, at(44, 27_000), OPUS_PT);
      later++;
    }
  });
  await rec.close(clock + 200);
  const out = path.join(dir, 'multi.webm');
  const r = await muxChunkJournal(log, out);
  assert.equal(r.audioPackets, 3 * tone.length + later);
  const input = new Input({ source: new FilePathSource(out), formats: ALL_FORMATS });
  const tracks = await input.getAudioTracks().finally(() => input.dispose());
  assert.equal(tracks.length, 4);
  for (const i of [0, 1, 2, 3]) assert.ok(Math.abs((await readTone(out, i)).hz - TONE_HZ) < 10, `voice track ${i} plays the tone`);
});
