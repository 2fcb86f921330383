/** Previous / next for keyset-paged lists (`<prefix>-prev`, `<prefix>-next`, `<prefix>-page`). */
import { useTranslation } from 'react-i18next';

export function Pagination({
  testIdPrefix,
  page,
  hasPrevious,
  hasNext,
  isBusy,
  onPrevious,
  onNext,
}: {
  testIdPrefix: string;
  page: number;
  hasPrevious: boolean;
  hasNext: boolean;
  isBusy: boolean;
  onPrevious: () => void;
  onNext: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="pagination">
      <button type="button" className="button" data-testid={`${testIdPrefix}-prev`} disabled={!hasPrevious || isBusy} onClick={onPrevious}>
        ‹ {t('common.previous')}
      </button>
      <span className="muted" data-testid={`${testIdPrefix}-page`} data-page={page}>
        {t('common.page', { page })}
      </span>
      <button type="button" className="button" data-testid={`${testIdPrefix}-next`} disabled={!hasNext || isBusy} onClick={onNext}>
        {t('common.next')} ›
      </button>
    </div>
  );
}
