import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DUCK_HANGOVER_MS, DUCKED_GAIN, Ducker, pickSoundInput } from './soundSource.ts';

const dev = (label: string, deviceId = label, kind = 'audioinput') => ({ kind, label, deviceId });

test('the prepared source is picked by its label, else a monitor, never a microphone', () => {
  const devices = [dev('Default', 'default'), dev('Built-in Microphone'), dev('Monitor of Speakers'), dev('Beacon remote sound'), dev('Speakers', 's', 'audiooutput')];
  assert.equal(pickSoundInput(devices, 'Beacon remote sound')?.label, 'Beacon remote sound');
  assert.equal(pickSoundInput(devices, null)?.label, 'Monitor of Speakers');
  assert.equal(pickSoundInput([dev('Built-in Microphone'), dev('Monitor of X', 'm', 'audiooutput')], 'Beacon remote sound'), null);
});

test('the sound is ducked while the agent speaks and for the hangover after', () => {
  const d = new Ducker();
  assert.equal(d.gain(0, false), 1);
  assert.equal(d.gain(100, true), DUCKED_GAIN);
  assert.equal(d.gain(100 + DUCK_HANGOVER_MS - 1, false), DUCKED_GAIN);
  assert.equal(d.gain(100 + DUCK_HANGOVER_MS, false), 1);
});
