/**
 * Browsers with a fake microphone for the voice tests, and the WAV files they play.
 * Chromium loops the WAV as the microphone's input (`--use-file-for-fake-audio-capture`).
 */
import { writeFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { BASE_ARGS, CHROMIUM } from './Browsers.ts';

/** The same network and background flags as Browsers.ts, plus what a call needs. */
const VOICE_ARGS = [
  ...BASE_ARGS,
  // The meters' AudioContext and the <audio> element start without a click.
  '--autoplay-policy=no-user-gesture-required',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
];

const SAMPLE_RATE = 48_000;

export interface ToneSpec {
  hz: number;
  seconds: number;
  /** Bursts instead of a steady tone: `onMs` of tone at the start of every `periodMs`. */
  burst?: { onMs: number; periodMs: number };
  /** Peak amplitude, 0..1. */
  amplitude?: number;
}

/** Writes a 16-bit mono 48 kHz PCM WAV of a sine tone (steady or in bursts). */
export function writeToneWav(path: string, spec: ToneSpec): void {
  const n = Math.round(spec.seconds * SAMPLE_RATE);
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + n * 2, 4);
  b.write('WAVEfmt ', 8, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(1, 22); // mono
  b.writeUInt32LE(SAMPLE_RATE, 24);
  b.writeUInt32LE(SAMPLE_RATE * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(n * 2, 40);
  const amp = Math.round((spec.amplitude ?? 0.5) * 32767);
  const onSamples = spec.burst ? Math.round((spec.burst.onMs * SAMPLE_RATE) / 1000) : n;
  const period = spec.burst ? Math.round((spec.burst.periodMs * SAMPLE_RATE) / 1000) : n;
  for (let i = 0; i < n; i++) {
    const isOn = i % period < onSamples;
    b.writeInt16LE(isOn ? Math.round(Math.sin((2 * Math.PI * spec.hz * i) / SAMPLE_RATE) * amp) : 0, 44 + i * 2);
  }
  writeFileSync(path, b);
}

/** The customer's browser: headful on the X display (it captures the screen), microphone from `wav`. */
export function launchVoiceCustomerBrowser(display: string, wav: string): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: false,
    args: [...VOICE_ARGS, '--auto-select-desktop-capture-source=Entire', `--use-file-for-fake-audio-capture=${wav}`, '--window-position=0,0', '--window-size=800,600'],
    env: { ...process.env, DISPLAY: display },
  });
}

/** The agent's browser: headless, microphone from `wav`. */
export function launchVoiceAgentBrowser(wav: string): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...VOICE_ARGS, `--use-file-for-fake-audio-capture=${wav}`] });
}

/**
 * Counts getUserMedia calls (the microphone must be asked for only on start or accept) and
 * keeps the last microphone stream for the latency probe.
 */
export const MIC_HOOK = `(() => {
  window.__micRequests = 0;
  const md = navigator.mediaDevices;
  const original = md.getUserMedia.bind(md);
  md.getUserMedia = async (c) => {
    window.__micRequests++;
    const s = await original(c);
    window.__mic = s;
    return s;
  };
})();`;

/** What the voice suites call a tone heard: within this of its frequency (Opus smears a little) and over this RMS; silence is under SILENT_RMS. */
export const HEARING = { hzTolerance: 25, heardRms: 0.005, silentRms: 0.001 } as const;

export interface HeardAudio {
  /** Frequency of the loudest FFT bin while the signal was loudest. */
  peakHz: number;
  /** Highest RMS seen over the window (full scale 1). */
  rms: number;
}

/**
 * Listens to the far end's audio exactly as played (the `<audio data-testid=voice-remote-audio>`
 * element's WebRTC stream, or another `<audio>` given by `testId`) for `ms`, through an AnalyserNode.
 */
export function listen(page: Page, ms: number, testId = 'voice-remote-audio'): Promise<HeardAudio> {
  return page.evaluate(async ([windowMs, id]) => {
    const el = document.querySelector<HTMLAudioElement>(`[data-testid="${id}"]`);
    const stream = el?.srcObject;
    if (!(stream instanceof MediaStream)) throw new Error('no remote audio stream');
    const ctx = new AudioContext();
    await ctx.resume();
    const an = ctx.createAnalyser();
    an.fftSize = 8192;
    an.smoothingTimeConstant = 0;
    ctx.createMediaStreamSource(stream).connect(an);
    const time = new Float32Array(an.fftSize);
    const freq = new Float32Array(an.frequencyBinCount);
    let best = { rms: 0, peakHz: 0 };
    const end = performance.now() + windowMs;
    while (performance.now() < end) {
      await new Promise((r) => setTimeout(r, 40));
      an.getFloatTimeDomainData(time);
      let sum = 0;
      for (const v of time) sum += v * v;
      const rms = Math.sqrt(sum / time.length);
      if (rms > best.rms) {
        an.getFloatFrequencyData(freq);
        let peak = 1;
        for (let i = 2; i < freq.length; i++) if (freq[i]! > freq[peak]!) peak = i;
        best = { rms, peakHz: (peak * ctx.sampleRate) / an.fftSize };
      }
    }
    await ctx.close();
    return best;
  }, [ms, testId] as const);
}

/**
 * Starts an onset detector in the page: epoch-ms times when `source` goes from silence to
 * tone (the first sample over 0.03 of a sound that follows a quarter second under 0.005). `source` is `mic`
 * (the local microphone as captured) or `remote` (the far end as played). Both browsers run
 * on this machine, so their epoch clocks agree.
 *
 * Each poll reads the last 0.68 s of audio and places onsets inside it by sample index, so a
 * page that is late to poll (two browsers on two cores) still times every burst exactly.
 */
export function startOnsets(page: Page, source: 'mic' | 'remote'): Promise<void> {
  return page.evaluate(async (which) => {
    const w = window as unknown as { __mic?: MediaStream; __onsets?: number[] };
    const stream = which === 'mic' ? w.__mic : document.querySelector<HTMLAudioElement>('[data-testid="voice-remote-audio"]')?.srcObject;
    if (!(stream instanceof MediaStream)) throw new Error(`no ${which} stream`);
    const ctx = new AudioContext();
    await ctx.resume();
    const an = ctx.createAnalyser();
    an.fftSize = 32768;
    ctx.createMediaStreamSource(stream).connect(an);
    const buf = new Float32Array(an.fftSize);
    const quietSamples = Math.round(0.25 * ctx.sampleRate);
    const onsets: number[] = [];
    w.__onsets = onsets;
    setInterval(() => {
      an.getFloatTimeDomainData(buf);
      const now = ctx.currentTime;
      const ts = ctx.getOutputTimestamp();
      let lastSound = -Infinity;
      // Sound after a quiet quarter second starts a rise; the rise's first sample over 0.03 is the onset.
      let isRising = false;
      for (let i = 0; i < buf.length; i++) {
        const v = Math.abs(buf[i]!);
        if (v > 0.005) {
          if (i >= quietSamples && i - lastSound > quietSamples) isRising = true;
          lastSound = i;
        }
        if (isRising && v > 0.03) {
          isRising = false;
          const contextTime = now - (buf.length - i) / ctx.sampleRate;
          const epoch = performance.timeOrigin + (ts.performanceTime ?? 0) + (contextTime - (ts.contextTime ?? 0)) * 1000;
          if (!onsets.some((o) => Math.abs(o - epoch) < 100)) onsets.push(epoch);
        }
      }
    }, 50);
  }, source);
}

export function readOnsets(page: Page): Promise<number[]> {
  return page.evaluate(() => (window as unknown as { __onsets?: number[] }).__onsets ?? []);
}

/** Each heard onset's delay after the last sent onset before it; only delays under 1 s match a burst. */
export function matchBursts(sent: readonly number[], heard: readonly number[]): number[] {
  return heard.map((h) => h - Math.max(...sent.filter((s) => s <= h), -Infinity)).filter((d) => d >= 0 && d < 1000);
}
