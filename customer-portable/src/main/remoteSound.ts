/**
 * Main's half of remote sound (issue 13): it decides where the renderer captures this PC's
 * sound from. Windows and macOS 13+: the system's loopback audio, given to getDisplayMedia by
 * the display-media handler (main.ts). Linux: a PulseAudio source made from the default
 * output's monitor (src/node/pulseSoundSource.ts). Only during a session. Thin: the logic is
 * in src/node.
 */
import { release } from 'node:os';
import { z } from 'zod';
import type { SoundSourceResult } from '@beacon/shared/ipc';
import { CUSTOMER_IPC } from '@beacon/shared/ipcChannels';
import type { ValidatedIpc } from '@beacon/shared/client/ValidatedIpc';
import { PulseSoundSource } from '../node/pulseSoundSource.ts';

/** macOS 13 is Darwin 22. */
const FIRST_DARWIN_WITH_LOOPBACK = 22;

/** Whether getDisplayMedia can be given the system's loopback audio here. */
export function hasLoopbackAudio(platform: NodeJS.Platform = process.platform, osRelease: string = release()): boolean {
  if (platform === 'win32') return true;
  return platform === 'darwin' && Number.parseInt(osRelease, 10) >= FIRST_DARWIN_WITH_LOOPBACK;
}

/** Registers the IPC; the returned function removes what it made (call on quit). */
export function registerRemoteSound(ipc: ValidatedIpc, isInSession: () => boolean): () => Promise<void> {
  const pulse = process.platform === 'linux' ? new PulseSoundSource() : null;
  ipc.handle(CUSTOMER_IPC.prepareSound, z.undefined(), async (): Promise<SoundSourceResult> => {
    if (!isInSession()) return { kind: 'unavailable' };
    if (hasLoopbackAudio()) return { kind: 'loopback' };
    return pulse ? pulse.prepare() : { kind: 'unavailable' };
  });
  ipc.handle(CUSTOMER_IPC.releaseSound, z.undefined(), () => pulse?.release());
  return async () => pulse?.release();
}
