import type { SessionRow } from '@beacon/shared/api';
import { useTranslation } from 'react-i18next';
import { formatDeviceId } from '../../common/connectInput.ts';
import { useFormatters } from './format.ts';
import { SeatName } from './Labels.tsx';

/**
 * Who, for whom, on which device, when and how long: the facts the log's detail panel and the
 * recording page both show first. `when` picks the request time or the start time.
 */
export function SessionFacts({ session: s, when }: { session: SessionRow; when: 'requested' | 'started' }) {
  const { t } = useTranslation();
  const fmt = useFormatters();
  return (
    <>
      <dt>{t('log.seat')}</dt>
      <dd>
        <SeatName seat={s.seat} />
      </dd>
      <dt>{t('log.customer')}</dt>
      <dd>{s.customer?.name ?? t('common.none')}</dd>
      <dt>{t('log.device')}</dt>
      <dd className="mono">{formatDeviceId(s.deviceId)}</dd>
      {when === 'requested' ? (
        <>
          <dt>{t('log.requested')}</dt>
          <dd>{fmt.dateTime(s.requestedAt)}</dd>
        </>
      ) : (
        <>
          <dt>{t('log.start')}</dt>
          <dd>{s.startedAt ? fmt.dateTime(s.startedAt) : t('common.none')}</dd>
        </>
      )}
      <dt>{t('log.duration')}</dt>
      <dd>{fmt.duration(s.durationMs)}</dd>
    </>
  );
}
