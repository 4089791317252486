// 我的最近调阅 / My recent requests: the clerk's last 20 exchanges, newest first; refreshes while
// any of them is still waiting for its source.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Card, Empty, ErrorPanel, Loading, Time } from '../../components/ui';
import { useRegionName } from '../../catalog/labels';
import { Icon } from '../../components/Icon';
import { fetchRecentExchanges } from '../../exchange/api';
import type { ExchangeView } from '../../exchange/api';
import { useLang } from '../../i18n';
import { useResource } from '../../useResource';
import { StatusTag, useResourceName } from './shared';

const loadRecent = (signal: AbortSignal) => fetchRecentExchanges(signal, 20);
/** shown before "show all", so the list does not push the guide far down */
const FIRST = 8;

function Row({ x }: { x: ExchangeView }) {
  const { t } = useTranslation();
  const lang = useLang();
  const regionName = useRegionName();
  const resourceName = useResourceName(x.target.regionCode, x.resource);
  return (
    <li className="recent__item" data-testid={`recent-row-${x.messageId}`} data-status={x.status}>
      <Link className="recent__link" to={`/exchange/${encodeURIComponent(x.messageId)}`} state={{ exchange: x }}>
        <span className="recent__top">
          <span className="recent__what">
            <span className="strong">{regionName(x.target.regionCode, x.target.name)}</span>
            <span className="recent__sep" aria-hidden="true">
              ·
            </span>
            <span className="recent__resource" title={resourceName} data-testid="recent-resource" data-resource={x.resource}>
              {resourceName}
            </span>
          </span>
          <StatusTag status={x.status} />
        </span>
        <span className="recent__bottom">
          <span className="mono">{x.subjectMasked}</span>
          <span className="recent__case" title={x.purpose.serviceItem}>
            {t('exchange.recent.case', { caseId: x.purpose.caseId })}
          </span>
          <span className="recent__time">
            <Time value={x.createdAt} relative />
          </span>
        </span>
        {x.status === 'failed' && x.error && (
          <span className="recent__error">
            <span className="mono">{x.error.code}</span> {lang === 'en' ? x.error.messageEn : x.error.messageZh}
          </span>
        )}
      </Link>
    </li>
  );
}

export function RecentExchanges() {
  const { t } = useTranslation();
  const res = useResource(loadRecent, 10_000);
  const list = res.data;
  const [all, setAll] = useState(false);
  const shown = list && !all ? list.slice(0, FIRST) : list;
  return (
    <Card
      title={t('exchange.recent.title')}
      testId="recent-requests"
      flush
      actions={
        <button type="button" className="btn btn--small" onClick={res.reload} disabled={res.busy} aria-label={t('common.refresh')}>
          <Icon name="refresh" size={13} className={res.busy ? 'spin' : undefined} />
          {t('common.refresh')}
        </button>
      }
    >
      {res.loading ? (
        <div className="pad">
          <Loading lines={3} />
        </div>
      ) : res.error && !list ? (
        <div className="pad">
          <ErrorPanel title={t('exchange.recent.loadFailed')} error={res.error} onRetry={res.reload} />
        </div>
      ) : !list || list.length === 0 ? (
        <Empty title={t('exchange.recent.empty')}>{t('exchange.recent.emptyHint')}</Empty>
      ) : (
        <>
          <ul className="recent">
            {shown?.map((x) => (
              <Row key={x.messageId} x={x} />
            ))}
          </ul>
          {list.length > FIRST && (
            <button type="button" className="recent__more" onClick={() => setAll((v) => !v)} data-testid="recent-toggle">
              {all ? t('exchange.recent.showFewer') : t('exchange.recent.showAll', { n: list.length })}
            </button>
          )}
        </>
      )}
    </Card>
  );
}
