import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CameraCtlToRelay, ClipboardCtlToRelay, CurtainCtlToRelay, LinkProbeCtlToRelay, CollabCtlFromRelay, CollabCtlToRelay, CtlFromRelay, CtlToRelay, FtCtlToRelay, isCollabCtl, isVoiceCtl, MonitorCtlToRelay, MultiCtlToRelay, SoundCtlToRelay, StreamCtlToRelay, VoiceCtlFromRelay, VoiceCtlToRelay, VoiceMultiCtlToRelay } from './protocol.ts';
import { typesOf as typesOfUnion } from './protocol/parts.ts';

const typesOf = (u: { readonly options: readonly unknown[] }): string[] => [...typesOfUnion(u)];

test('the ctl unions are exactly their named parts, with no type in two parts', () => {
  const toRelay = [...typesOf(StreamCtlToRelay), ...typesOf(CollabCtlToRelay), ...typesOf(VoiceCtlToRelay), ...typesOf(ClipboardCtlToRelay), ...typesOf(MonitorCtlToRelay), ...typesOf(MultiCtlToRelay), ...typesOf(FtCtlToRelay), ...typesOf(SoundCtlToRelay), ...typesOf(CameraCtlToRelay), ...typesOf(CurtainCtlToRelay), ...typesOf(LinkProbeCtlToRelay), ...typesOf(VoiceMultiCtlToRelay)];
  assert.equal(new Set(toRelay).size, toRelay.length);
  assert.deepEqual(new Set(typesOf(CtlToRelay)), new Set(toRelay));
  assert.ok(typesOf(CtlFromRelay).includes('error'));
});

test('the guards pick a part out of either direction', () => {
  const mute = VoiceCtlFromRelay.parse({ type: 'voice-mute', sessionId: 'session-1', from: 'agent', isMuted: true });
  assert.ok(isVoiceCtl(mute) && !isCollabCtl(mute));
  const chat = CollabCtlFromRelay.parse({ type: 'chat', sessionId: 'session-1', message: { id: 1, sessionId: 'session-1', at: 1, from: 'agent', senderName: 'Ann', text: 'hi' } });
  assert.ok(isCollabCtl(chat) && !isVoiceCtl(chat));
  const send: CtlToRelay = { type: 'chat-send', sessionId: 'session-1', text: 'hello' };
  assert.ok(isCollabCtl(send));
  const ping: CtlToRelay = { type: 'ping', sessionId: 'session-1', t: 1 };
  assert.ok(!isCollabCtl(ping) && !isVoiceCtl(ping));
});
