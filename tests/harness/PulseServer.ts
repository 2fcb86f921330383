/**
 * A PulseAudio server of the test's own (remote sound, issue 13): a null sink as the default
 * output, a native-protocol socket in a temporary folder, and nothing else. Only the processes
 * given {@link PulseServer.env} use it (the customer's Chromium, pactl, pacat); the machine's
 * own sound, if any, is never touched. Runs as root too (`--system=false` with a HOME and
 * runtime folder of its own, so it needs no user session or D-Bus).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execRunner } from '../../customer-portable/src/node/pulseSoundSource.ts';

export const SINK = 'beacon_test_sink';
const SAMPLE_RATE = 48_000;

export interface PulseServer {
  /** The environment that points a client at this server. */
  env: NodeJS.ProcessEnv;
  /** Plays a steady sine tone into the null sink for `seconds` (the PC "playing sound"). */
  playTone(hz: number, seconds: number, amplitude?: number): ChildProcess;
  stop(): Promise<void>;
}

function toneBytes(hz: number, seconds: number, amplitude: number): Buffer {
  const n = Math.round(seconds * SAMPLE_RATE);
  const b = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(Math.sin((2 * Math.PI * hz * i) / SAMPLE_RATE) * amplitude * 32767), i * 2);
  return b;
}

export async function startPulseServer(): Promise<PulseServer> {
  const dir = mkdtempSync(join(tmpdir(), 'beacon-pulse-'));
  const socket = join(dir, 'native');
  const config = join(dir, 'default.pa');
  writeFileSync(config, [`load-module module-null-sink sink_name=${SINK} rate=${SAMPLE_RATE}`, `load-module module-native-protocol-unix socket=${socket} auth-anonymous=1`, `set-default-sink ${SINK}`, ''].join('\n'));
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: dir, XDG_RUNTIME_DIR: dir, PULSE_RUNTIME_PATH: join(dir, 'run'), PULSE_SERVER: `unix:${socket}` };
  const daemon = spawn('pulseaudio', ['-n', '--daemonize=no', '--exit-idle-time=-1', '--system=false', '--disallow-exit', '-F', config], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  daemon.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const players = new Set<ChildProcess>();
  const stop = async () => {
    for (const p of players) p.kill();
    if (daemon.exitCode === null) {
      const gone = new Promise((r) => daemon.once('exit', r));
      daemon.kill();
      await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const pactl = execRunner(env);
  for (let i = 0; ; i++) {
    try {
      await pactl('pactl', ['info']);
      break;
    } catch (err) {
      if (i >= 50 || daemon.exitCode !== null) {
        await stop();
        throw new Error(`pulseaudio did not start: ${err instanceof Error ? err.message : String(err)}\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    env,
    playTone(hz, seconds, amplitude = 0.4) {
      const p = spawn('pacat', ['--raw', '--format=s16le', `--rate=${SAMPLE_RATE}`, '--channels=1', `--device=${SINK}`], { env, stdio: ['pipe', 'ignore', 'ignore'] });
      players.add(p);
      p.once('exit', () => players.delete(p));
      p.stdin?.on('error', () => undefined);
      p.stdin?.end(toneBytes(hz, seconds, amplitude));
      return p;
    },
    stop,
  };
}
