/**
 * Remote sound on Linux (PulseAudio, or PipeWire's PulseAudio server): the PC's sound is what
 * its default output plays, i.e. that sink's monitor source. Chromium lists no monitor source
 * among its audio inputs (it skips them on purpose, measured with Chromium 156), so main loads
 * a remap source of the default monitor (`module-remap-source`) that Chromium does list, under
 * a label the renderer looks for, and unloads it when sound stops or the app quits.
 *
 * Runs `pactl` (pulseaudio-utils; PipeWire ships a compatible one): no native module needed.
 */
import { execFile } from 'node:child_process';
import type { SoundSourceResult } from '@beacon/shared/ipc';

export const SOUND_SOURCE_NAME = 'beacon_remote_sound';
/** What Chromium shows as the input's label (`enumerateDevices`). */
export const SOUND_SOURCE_LABEL = 'Beacon remote sound';

/** Runs a command and resolves with its stdout (rejects on a failure or a non-zero exit). */
export type CommandRunner = (file: string, args: readonly string[]) => Promise<string>;

export function execRunner(env: NodeJS.ProcessEnv = process.env): CommandRunner {
  return (file, args) =>
    new Promise((resolve, reject) => {
      execFile(file, [...args], { env, timeout: 5000 }, (err, stdout) => (err ? reject(err) : resolve(String(stdout))));
    });
}

/** The `pactl` arguments that load the remap source (one argument per module option). */
export function loadModuleArgs(): string[] {
  return [
    'load-module',
    'module-remap-source',
    'master=@DEFAULT_MONITOR@',
    `source_name=${SOUND_SOURCE_NAME}`,
    `source_properties="device.description='${SOUND_SOURCE_LABEL}'"`,
  ];
}

/** The index of a module that already provides our source (`pactl list short sources` lists its owner module by name only, so modules are read). */
export function findOurModule(shortModules: string): number | null {
  for (const line of shortModules.split('\n')) {
    const [index, name, args] = line.split('\t');
    if (name === 'module-remap-source' && args?.includes(`source_name=${SOUND_SOURCE_NAME}`) && index && /^\d+$/.test(index)) return Number(index);
  }
  return null;
}

export class PulseSoundSource {
  /** The module we loaded (null: none, or one that was there before us and is left alone). */
  private loaded: number | null = null;

  constructor(private readonly run: CommandRunner = execRunner()) {}

  /** Makes sure the source exists; `unavailable` when there is no PulseAudio server to ask. */
  async prepare(): Promise<SoundSourceResult> {
    try {
      const existing = findOurModule(await this.run('pactl', ['list', 'short', 'modules']));
      if (existing === null) {
        const out = (await this.run('pactl', loadModuleArgs())).trim();
        this.loaded = /^\d+$/.test(out) ? Number(out) : null;
      }
      return { kind: 'device', label: SOUND_SOURCE_LABEL };
    } catch (err) {
      console.warn('[beacon] no PulseAudio sound source', err instanceof Error ? err.message : err);
      return { kind: 'unavailable' };
    }
  }

  /** Unloads the module we loaded, if any. Never throws. */
  async release(): Promise<void> {
    const index = this.loaded;
    this.loaded = null;
    if (index === null) return;
    await this.run('pactl', ['unload-module', String(index)]).catch((err: unknown) => console.warn('[beacon] sound source not unloaded', err));
  }
}
