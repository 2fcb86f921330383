import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findOurModule, loadModuleArgs, PulseSoundSource, SOUND_SOURCE_LABEL, type CommandRunner } from './pulseSoundSource.ts';

function recorder(answers: Record<string, string | Error>): { run: CommandRunner; calls: string[] } {
  const calls: string[] = [];
  const run: CommandRunner = async (file, args) => {
    const key = `${file} ${args.slice(0, 2).join(' ')}`;
    calls.push(`${file} ${args.join(' ')}`);
    const a = answers[key];
    if (a instanceof Error) throw a;
    return a ?? '';
  };
  return { run, calls };
}

test('loads a remap source of the default monitor once, and unloads only what it loaded', async () => {
  const { run, calls } = recorder({ 'pactl list short': '0\tmodule-null-sink\tsink_name=x\n', 'pactl load-module module-remap-source': '17\n' });
  const source = new PulseSoundSource(run);
  assert.deepEqual(await source.prepare(), { kind: 'device', label: SOUND_SOURCE_LABEL });
  assert.ok(calls[1]?.includes('master=@DEFAULT_MONITOR@'));
  await source.release();
  assert.equal(calls.at(-1), 'pactl unload-module 17');
  await source.release();
  assert.equal(calls.filter((c) => c.includes('unload')).length, 1);
});

test('a source that is already there is used and left alone', async () => {
  const { run, calls } = recorder({ 'pactl list short': `5\tmodule-remap-source\t${loadModuleArgs().slice(2).join(' ')}\n` });
  const source = new PulseSoundSource(run);
  assert.equal((await source.prepare()).kind, 'device');
  await source.release();
  assert.equal(calls.length, 1, 'nothing loaded, nothing unloaded');
});

test('no PulseAudio server: unavailable', async () => {
  const { run } = recorder({ 'pactl list short': new Error('Connection refused') });
  assert.deepEqual(await new PulseSoundSource(run).prepare(), { kind: 'unavailable' });
});

test('findOurModule reads pactl’s short module list', () => {
  assert.equal(findOurModule('3\tmodule-remap-source\tmaster=a source_name=beacon_remote_sound\n'), 3);
  assert.equal(findOurModule('3\tmodule-remap-source\tsource_name=other\n'), null);
});
