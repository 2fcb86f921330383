import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TransportPath } from '@beacon/shared/protocol';
import type { RemoteSession, SessionStats } from './RemoteSession.ts';

const REFRESH_MS = 500;

/**
 * The status line: frame rate, bitrate, round trip, resolution, codec and the link as the
 * customer measures it (kB/s), refreshed twice a second; and a notice while the customer has
 * stepped the picture down for a slow link; and the path the session takes (direct UDP, or the
 * relay's TCP fallback when UDP is blocked).
 */
export function SessionStatus({ session, transport }: { session: RemoteSession | undefined; transport?: TransportPath | undefined }) {
  const { t } = useTranslation();
  const [stats, setStats] = useState<SessionStats | null>(() => session?.stats() ?? null);

  useEffect(() => {
    if (!session) {
      setStats(null);
      return;
    }
    setStats(session.stats());
    const timer = setInterval(() => setStats(session.stats()), REFRESH_MS);
    return () => clearInterval(timer);
  }, [session]);

  const none = t('status.none');
  const fps = stats ? stats.fps : null;
  const kbps = stats ? stats.kbps : null;
  const latency = stats?.latencyMs != null ? Math.round(stats.latencyMs) : null;
  const resolution = stats && stats.width > 0 ? `${stats.width}×${stats.height}` : null;
  const codec = stats?.codec ?? null;
  const linkKBps = stats?.linkBps != null ? Math.round(stats.linkBps / 8000) : null;
  const isSlow = stats?.isSlowLink === true;

  return (
    <footer
      className="session-status"
      data-testid="session-status"
      data-fps={fps ?? ''}
      data-kbps={kbps ?? ''}
      data-latency={latency ?? ''}
      data-link-kbytes={linkKBps ?? ''}
      data-slow-link={isSlow ? 'true' : 'false'}
      data-transport={transport ?? ''}
    >
      <Stat label={t('status.fps')} value={fps === null ? none : `${fps} fps`} />
      <Stat label={t('status.bitrate')} value={kbps === null ? none : `${kbps.toLocaleString('en-US')} kbps`} />
      <Stat label={t('status.latency')} value={latency === null ? none : `${latency} ms`} />
      <Stat label={t('status.resolution')} value={resolution ?? none} />
      <Stat label={t('status.codec')} value={codec ?? none} />
      <Stat label={t('status.link')} value={linkKBps === null ? none : `${linkKBps.toLocaleString('en-US')} kB/s`} />
      {transport && <Stat label={t('status.path')} value={t(transport === 'websocket' ? 'status.pathWebsocket' : 'status.pathWebrtc')} />}
      {isSlow && (
        <span className="stat stat-warning" role="status" data-testid="slow-link-notice">
          {t('status.slowLink')}
        </span>
      )}
    </footer>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <span className="stat">
      <span className="stat-label">{label}</span>
      <span className="stat-value">{value}</span>
    </span>
  );
}
