/**
 * Voice mouth-to-ear latency (issue 6), measured as a benchmark rather than asserted in a timed
 * test: the real relay between the customer page and the agent console, the customer's fake
 * microphone playing 300 ms bursts of 880 Hz once a second, and onsets detected on the
 * customer's microphone as captured and on the agent's playout of the far end (VoiceBrowsers.ts).
 * Both browsers run on this machine, so their epoch clocks agree.
 *
 *   npm run bench -- --only voice [--seconds W] [--repeat N]      (defaults 15 s, 3 windows)
 *
 * Printed, not in the report: the median, p90, min and max over every matched burst, and the
 * machine's load, since two browsers and the relay share its cores.
 */
import { loadavg } from 'node:os';
import { agentConnect, readDeviceCredentials } from '../harness/flows.ts';
import { matchBursts, readOnsets, startOnsets } from '../harness/VoiceBrowsers.ts';
import { startVoiceStage } from '../harness/VoiceStage.ts';
import { percentile } from './stats.ts';

export interface VoiceBenchOptions {
  seconds: number;
  windows: number;
}

export async function runVoiceBench(o: VoiceBenchOptions): Promise<void> {
  const stage = await startVoiceStage({
    display: 70,
    agentTone: { hz: 440, seconds: 10 },
    customerTone: { hz: 880, seconds: 10, burst: { onMs: 300, periodMs: 1000 } },
  });
  try {
    const { customer, agent } = stage;
    const { deviceId, code } = await readDeviceCredentials(customer);
    await agentConnect(agent, deviceId, code, false);
    await customer.getByTestId('consent-accept').click({ timeout: 15_000 });
    await agent.locator('[data-testid="session-tab"][data-state="active"]').waitFor({ timeout: 20_000 });
    await customer.getByTestId('voice-call').click({ timeout: 10_000 });
    await agent.getByTestId('voice-accept').click({ timeout: 10_000 });
    await agent.waitForFunction(() => (document.querySelector('[data-testid="voice-remote-audio"]') as HTMLAudioElement | null)?.srcObject, null, { timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 1000));
    const all: number[] = [];
    for (let w = 0; w < o.windows; w++) {
      await Promise.all([startOnsets(customer, 'mic'), startOnsets(agent, 'remote')]);
      await new Promise((r) => setTimeout(r, o.seconds * 1000));
      const [sent, heard] = await Promise.all([readOnsets(customer), readOnsets(agent)]);
      const delays = matchBursts(sent, heard).sort((a, b) => a - b);
      all.push(...delays);
      console.log(
        `window ${w + 1}: ${delays.length} of ${sent.length} bursts matched, median ${percentile(delays, 50).toFixed(0)} ms, load ${loadavg()[0]!.toFixed(1)}`,
      );
    }
    all.sort((a, b) => a - b);
    console.log(
      `voice mouth-to-ear latency over ${all.length} bursts: median ${percentile(all, 50).toFixed(0)} ms, p90 ${percentile(all, 90).toFixed(0)} ms, ` +
        `min ${all[0]?.toFixed(0) ?? '-'} ms, max ${all.at(-1)?.toFixed(0) ?? '-'} ms`,
    );
  } finally {
    await stage.close();
  }
}
