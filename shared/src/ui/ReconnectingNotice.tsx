/**
 * What both apps show while the other side of a session is away (its link dropped and the
 * relay waits for it to resume): a translated "reconnecting…" line with a live countdown to the
 * moment the session ends `network-lost`.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role } from '../protocol.ts';

const TICK_MS = 250;

export function ReconnectingNotice({ who, until }: { who: Role; until: number }) {
  const { t } = useTranslation();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.ceil((until - now) / 1000));
  return (
    <div className="reconnecting-notice" role="status" data-testid="peer-away" data-who={who} data-seconds={seconds}>
      {t(`resume.peerAway.${who}`, { seconds })}
    </div>
  );
}
