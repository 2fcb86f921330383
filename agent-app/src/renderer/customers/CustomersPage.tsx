/**
 * The customer directory (`#/customers`): search, starred customers first, and the selected
 * record's details and history beside the list (`#/customers/<id>`, `#/customers/new`).
 */
import { CustomerList, type Customer } from '@beacon/shared/api';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toQuery } from '../../common/query.ts';
import { apiErrorKey } from '../ApiClient.ts';
import { useClient } from '../ClientContext.ts';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { CheckboxField } from '../ui/Field.tsx';
import { useFormatters } from '../ui/format.ts';
import { PageHeader } from '../ui/Labels.tsx';
import { navigate } from '../ui/useRoute.ts';
import { CustomerDetail } from './CustomerDetail.tsx';
import { StarButton } from './StarButton.tsx';

const PAGE_SIZE = 50;
const SEARCH_DELAY_MS = 250;

interface ListState {
  customers: Customer[];
  nextCursor: string | null;
  isLoading: boolean;
  errorKey: string | null;
}

/** The list for a search, with "load more" appending the next keyset page. */
function useCustomerList(q: string, isStarredOnly: boolean, version: number) {
  const client = useClient();
  const [state, setState] = useState<ListState>({ customers: [], nextCursor: null, isLoading: true, errorKey: null });
  const seq = useRef(0);

  const load = useCallback(
    (cursor: string | null) => {
      const mine = ++seq.current;
      setState((s) => ({ ...s, isLoading: true }));
      const query = toQuery({ q: q.trim(), starred: isStarredOnly ? true : null, cursor, limit: PAGE_SIZE });
      client.api.get(`/api/customers${query}`, CustomerList).then(
        (r) => {
          if (mine !== seq.current) return;
          setState((s) => ({
            customers: cursor === null ? r.customers : [...s.customers, ...r.customers.filter((c) => !s.customers.some((o) => o.id === c.id))],
            nextCursor: r.nextCursor,
            isLoading: false,
            errorKey: null,
          }));
        },
        (err: unknown) => {
          if (mine === seq.current) setState((s) => ({ ...s, isLoading: false, errorKey: apiErrorKey(err) }));
        },
      );
    },
    [client, q, isStarredOnly],
  );

  useEffect(() => {
    const timer = setTimeout(() => load(null), q ? SEARCH_DELAY_MS : 0);
    return () => clearTimeout(timer);
  }, [load, q, version]);

  return { ...state, loadMore: () => state.nextCursor && load(state.nextCursor) };
}

export function CustomersPage({ selected }: { selected: number | 'new' | null }) {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [q, setQ] = useState('');
  const [isStarredOnly, setIsStarredOnly] = useState(false);
  const [version, setVersion] = useState(0);
  const list = useCustomerList(q, isStarredOnly, version);
  const refresh = useCallback(() => setVersion((v) => v + 1), []);
  const [starErrorKey, setStarErrorKey] = useState<string | null>(null);

  return (
    <div className="page page-wide customers-page">
      <PageHeader titleKey="customers.title" introKey="customers.intro">
        <a className="button button-primary" href="#/customers/new" data-testid="customer-new">
          ＋ {t('customers.new')}
        </a>
      </PageHeader>
      <div className="split">
        <section className="card split-list">
          <div className="list-tools">
            <input
              type="search"
              className="search-input"
              data-testid="customer-search"
              placeholder={t('customers.searchPlaceholder')}
              aria-label={t('customers.searchPlaceholder')}
              value={q}
              onChange={(e) => setQ(e.target.value)}
            />
            <CheckboxField variant="inline" label={t('customers.starredOnly')} testId="customer-starred-only" checked={isStarredOnly} onChecked={setIsStarredOnly} />
          </div>
          <ErrorNotice messageKey={list.errorKey ?? starErrorKey} onDismiss={starErrorKey ? () => setStarErrorKey(null) : undefined} />
          <ul className="customer-list" data-testid="customer-list" aria-busy={list.isLoading} data-loading={list.isLoading}>
            {list.customers.map((c) => (
              <li
                key={c.id}
                className={`customer-row${selected === c.id ? ' is-selected' : ''}`}
                data-testid="customer-row"
                data-customer-id={c.id}
                data-starred={c.isStarred}
              >
                <StarButton customer={c} onChanged={refresh} onError={setStarErrorKey} />
                <button type="button" className="customer-row-main" onClick={() => navigate(`#/customers/${c.id}`)}>
                  <span className="customer-row-name" data-testid="customer-row-name">
                    {c.name}
                  </span>
                  <span className="customer-row-meta muted">{[c.company, c.phone].filter(Boolean).join(' · ')}</span>
                  {c.tags.length > 0 && (
                    <span className="tags">
                      {c.tags.map((tag) => (
                        <span key={tag} className="tag">
                          {tag}
                        </span>
                      ))}
                    </span>
                  )}
                </button>
                <span className="customer-row-when muted">{c.lastSessionAt ? fmt.dateTime(c.lastSessionAt) : ''}</span>
              </li>
            ))}
            {!list.isLoading && list.customers.length === 0 && (
              <li className="empty-row muted" data-testid="empty-state">
                {q || isStarredOnly ? t('customers.noMatch') : t('customers.noneYet')}
              </li>
            )}
          </ul>
          {list.nextCursor && (
            <button type="button" className="button button-block-soft" data-testid="customer-more" disabled={list.isLoading} onClick={list.loadMore}>
              {t('common.loadMore')}
            </button>
          )}
        </section>
        <section className="split-detail">
          {selected === null ? (
            <div className="card placeholder muted">{t('customers.pick')}</div>
          ) : (
            <CustomerDetail key={String(selected)} id={selected} onSaved={refresh} />
          )}
        </section>
      </div>
    </div>
  );
}
