/**
 * The other agents' pointers on a shared session's picture (capability `desk-multi`): a small
 * labelled cursor each, over the canvas at the point of the customer's screen they point at;
 * and this agent's own pointer, sent to them (throttled in AgentMulti). Nothing shows, and
 * nothing is sent, while nobody else takes part in the session.
 */
import { useEffect } from 'react';
import { clientToVideo } from '../../common/coords.ts';
import type { RemoteSession } from '../RemoteSession.ts';
import { useMulti } from './ParticipantsBar.tsx';

export function PeerPointers({ session }: { session: RemoteSession }) {
  const { multi, snap } = useMulti();
  const isShared = snap.people[session.sessionId] !== undefined;
  const pointers = snap.pointers[session.sessionId] ?? [];
  useEffect(() => {
    if (!isShared) return;
    const canvas = session.canvas;
    const move = (e: PointerEvent) => multi.pointer(session.sessionId, clientToVideo(e.clientX, e.clientY, canvas.getBoundingClientRect(), session.videoWidth, session.videoHeight));
    const leave = () => multi.pointer(session.sessionId, null);
    const host = canvas.parentElement;
    host?.addEventListener('pointermove', move);
    host?.addEventListener('pointerleave', leave);
    return () => {
      host?.removeEventListener('pointermove', move);
      host?.removeEventListener('pointerleave', leave);
    };
  }, [isShared, multi, session]);
  const canvas = session.canvas;
  const w = session.videoWidth;
  const h = session.videoHeight;
  if (pointers.length === 0 || w === 0 || h === 0) return null;
  const scaleX = canvas.clientWidth / w;
  const scaleY = canvas.clientHeight / h;
  return (
    <div className="peer-pointers" aria-hidden="true">
      {pointers.map((p) => (
        <span
          key={p.agentId}
          className="peer-pointer"
          data-testid="peer-pointer"
          data-agent-id={p.agentId}
          style={{ left: `${canvas.offsetLeft + p.x * scaleX}px`, top: `${canvas.offsetTop + p.y * scaleY}px` }}
        >
          <svg width="14" height="18" viewBox="0 0 14 18">
            <path d="M1 1 L1 15 L5 11 L8 17 L10 16 L7 10 L13 10 Z" fill="#ff8f00" stroke="#fff" strokeWidth="1" />
          </svg>
          <span className="peer-pointer-name">{p.name}</span>
        </span>
      ))}
    </div>
  );
}
