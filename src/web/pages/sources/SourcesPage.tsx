// 数据源状态 / Source status: for the node's data administrators, every data resource the node
// publishes with the adapter that reads it and how that source is doing (GET /api/exchange/sources):
// status, last success and failure, the last error, the circuit breaker, read counts, and on demand
// what the adapter reads and the source's quality problems. Problems first; refreshes every 15 s.
import { Fragment, useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Icon } from '../../components/Icon';
import { Card, CardTable, DescList, Empty, ErrorPanel, Loading, RefreshFailed, Tag, Time, useErrorText } from '../../components/ui';
import type { Tone } from '../../components/ui';
import { countSources, errorRecovered, sortSources, SOURCE_STATES, sourceState } from '../../exchange/sourceState';
import type { AdapterHealth, SourceState, SourceStatus } from '../../exchange/sourceState';
import { fetchSources } from '../../exchange/sources';
import { formatDateTime, formatRelative } from '../../format';
import { useLang } from '../../i18n';
import { useSession } from '../../session';
import { useResource } from '../../useResource';
import { consoleEntryPath } from '../catalog/CatalogListPage';
import { PageHeader } from '../shared';

export const SOURCES_POLL_MS = 15_000;

const STATE_TONE: Record<SourceState, Tone> = { down: 'error', unconfigured: 'warn', degraded: 'warn', unknown: 'neutral', ok: 'ok' };

/** Source record values that are times (the CSV adapter's load and file times). */
const TIME_KEYS = new Set(['loadedAt', 'fileTime']);

export function SourceStateTag({ state }: { state: SourceState }) {
  const { t } = useTranslation();
  return <Tag tone={STATE_TONE[state]}>{t(`sourceStatus.state.${state}`)}</Tag>;
}

function useKindLabel(): (kind: string) => string {
  const { t } = useTranslation();
  return (kind) => {
    if (kind === 'sql') return t('sourceStatus.kind.sql');
    if (kind === 'http') return t('sourceStatus.kind.http');
    if (kind === 'csv') return t('sourceStatus.kind.csv');
    return kind;
  };
}

function Tile({ state, count }: { state: SourceState; count: number }) {
  const { t } = useTranslation();
  // a problem category with nothing in it stays calm
  const tone = count > 0 ? STATE_TONE[state] : 'neutral';
  return (
    <div className={`tile tile--${tone}`} data-testid={`sources-count-${state}`} data-count={count}>
      <div className="tile__label">{t(`sourceStatus.state.${state}`)}</div>
      <div className="tile__value">{count}</div>
      <div className="tile__sub" title={t(`sourceStatus.stateHint.${state}`)}>
        {t(`sourceStatus.stateHint.${state}`)}
      </div>
    </div>
  );
}

/** "成功 3 分钟前" with the exact Beijing time below; "—" when there is none. */
function When({ label, value, testId, bad }: { label: string; value: string | null; testId: string; bad?: boolean }) {
  return (
    <div className="when" data-testid={testId}>
      <span className={value && bad ? 'when__label text-error' : 'when__label'}>{label}</span>
      {value ? (
        <>
          <Time value={value} relative />
          <span className="when__exact muted small">
            <Time value={value} />
          </span>
        </>
      ) : (
        <span className="muted">—</span>
      )}
    </div>
  );
}

/** An adapter id that may break after its dots and underscores, not in the middle of a word. */
function AdapterId({ id }: { id: string }) {
  const parts = id.split(/(?<=[._])/);
  return (
    <>
      {parts.map((p, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {p}
        </Fragment>
      ))}
    </>
  );
}

function Breaker({ h }: { h: AdapterHealth }) {
  const { t } = useTranslation();
  const lang = useLang();
  const b = h.breaker;
  let text: ReactNode;
  let cls = 'muted';
  if (!b) text = t('sourceStatus.breakerNone');
  else if (b.state === 'open') {
    cls = 'text-error';
    text = t('sourceStatus.breakerOpen');
  } else if (b.state === 'half-open') {
    cls = 'text-warn';
    text = t('sourceStatus.breakerHalfOpen');
  } else if (b.state === 'closed') text = t('sourceStatus.breakerClosed');
  else text = b.state;
  return (
    <span className={`block small ${cls}`} data-testid="breaker" data-state={b?.state ?? 'none'}>
      {t('sourceStatus.breaker')} {text}
      {b?.state === 'open' && b.openUntil && (
        <span className="block">
          <time dateTime={b.openUntil} title={formatDateTime(b.openUntil, lang)}>
            {t('sourceStatus.breakerUntil', { time: formatDateTime(b.openUntil, lang) })}
          </time>
          <span className="muted"> ({formatRelative(b.openUntil, lang, t('common.justNow'))})</span>
        </span>
      )}
    </span>
  );
}

function Reads({ h }: { h: AdapterHealth }) {
  const { t } = useTranslation();
  const rows: Array<{ key: keyof AdapterHealth['reads']; bad?: boolean }> = [{ key: 'ok' }, { key: 'notFound' }, { key: 'failed', bad: true }, { key: 'rejectedByBreaker', bad: true }];
  return (
    <dl className="reads" data-testid="reads">
      {rows.map((r) => {
        const n = h.reads[r.key];
        return (
          <div className="reads__row" key={r.key} data-testid={`reads-${r.key}`} data-count={n}>
            <dt>{t(`sourceStatus.reads.${r.key}`)}</dt>
            <dd className={n === 0 ? 'num muted' : r.bad ? 'num text-error' : 'num'}>{n}</dd>
          </div>
        );
      })}
    </dl>
  );
}

function SourceDetails({ s, id }: { s: SourceStatus; id: string }) {
  const { t } = useTranslation();
  const kindLabel = useKindLabel();
  const keyNames = t('sourceStatus.sourceKeys', { returnObjects: true }) as Record<string, string>;
  const h = s.health;
  if (!s.served) {
    return (
      <div className="source-details" id={id} data-testid="source-details">
        <p className="prose">{t('sourceStatus.unconfiguredBody', { adapter: s.adapter })}</p>
      </div>
    );
  }
  if (!h) {
    return (
      <div className="source-details" id={id} data-testid="source-details">
        <p className="prose muted">{t('sourceStatus.noHealth')}</p>
      </div>
    );
  }
  const entries = Object.entries(h.source);
  return (
    <div className="source-details" id={id} data-testid="source-details">
      <section className="source-details__part">
        <h3 className="subhead">{t('sourceStatus.sourceTitle')}</h3>
        <DescList
          items={[
            { key: '_adapter', label: t('sourceStatus.colAdapter'), value: <code className="adapter-id"><AdapterId id={s.adapter} /></code> },
            { key: '_kind', label: t('sourceStatus.colKind'), value: kindLabel(h.kind) },
            ...entries.map(([k, v]) => ({
              key: k,
              label: keyNames[k] ?? <code>{k}</code>,
              value:
                v === null ? (
                  <span className="muted">—</span>
                ) : TIME_KEYS.has(k) && typeof v === 'string' ? (
                  <Time value={v} />
                ) : typeof v === 'number' ? (
                  <span className="num">{v}</span>
                ) : (
                  <span className="mono break-all">{v}</span>
                ),
            })),
          ]}
        />
        {entries.length === 0 && <p className="hint">{t('sourceStatus.sourceNone')}</p>}
      </section>
      <section className="source-details__part" data-testid="quality">
        <h3 className="subhead">
          {t('sourceStatus.qualityTitle')}
          {h.quality.length > 0 && (
            <Tag tone="warn" dot={false}>
              {h.quality.length}
            </Tag>
          )}
        </h3>
        {h.quality.length === 0 ? (
          <p className="prose muted">{t('sourceStatus.qualityNone')}</p>
        ) : (
          <ul className="quality-list">
            {h.quality.map((q, i) => (
              <li key={i} className="mono" data-testid="quality-item">
                {q}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function SourcesTable({ sources, open, toggle }: { sources: SourceStatus[]; open: ReadonlySet<string>; toggle: (id: string) => void }) {
  const { t } = useTranslation();
  const lang = useLang();
  const kindLabel = useKindLabel();
  const col = {
    resource: t('sourceStatus.colResource'),
    adapter: t('sourceStatus.colAdapter'),
    status: t('sourceStatus.colStatus'),
    lastReads: t('sourceStatus.colLastReads'),
    reads: t('sourceStatus.colReads'),
    details: t('sourceStatus.colDetails'),
  };
  const COLS = 6;
  return (
    <CardTable
      testId="sources-table"
      className="sources-table"
      columns={[
        { label: col.resource },
        { label: col.adapter, className: 'col-adapter' },
        { label: col.status, className: 'col-source-status' },
        { label: col.lastReads, className: 'col-when' },
        { label: col.reads, className: 'col-reads' },
        { label: <span className="visually-hidden">{col.details}</span>, className: 'col-toggle' },
      ]}
    >
      {sources.map((s) => {
        const state = sourceState(s);
        const h = s.health;
        const isOpen = open.has(s.resource);
        const detailsId = `source-details-${s.resource}`;
        const showError = Boolean(h?.lastError);
        const recovered = h ? errorRecovered(h) : false;
        const hasSub = showError || isOpen;
        return (
          <Fragment key={s.resource}>
            <tr
              className={`source-row source-row--${state}${hasSub ? ' has-sub' : ''}`}
              data-testid={`source-row-${s.resource}`}
              data-state={state}
              data-served={String(s.served)}
              data-reads-ok={h?.reads.ok ?? ''}
            >
              <td data-label={col.resource} className="cell-resource">
                <Link to={consoleEntryPath('resource', s.resource)} className="strong" title={t('sourceStatus.openEntry')} data-testid="source-link">
                  {lang === 'en' && s.nameEn ? s.nameEn : s.name}
                </Link>
                <code className="block muted small break-all">{s.resource}</code>
                <span className="block muted small" data-testid="source-owner">
                  {s.department} · {s.sourceSystem}
                </span>
              </td>
              <td data-label={col.adapter} className="cell-adapter">
                <code className="block adapter-id" data-testid="source-adapter">
                  <AdapterId id={s.adapter} />
                </code>
                {h ? (
                  <span className="block muted small" data-testid="source-kind" data-kind={h.kind}>
                    {kindLabel(h.kind)}
                  </span>
                ) : (
                  !s.served && <span className="block small text-warn">{t('sourceStatus.notServed')}</span>
                )}
              </td>
              <td data-label={col.status} className="cell-source-status">
                <span data-testid="source-status">
                  <SourceStateTag state={state} />
                </span>
                {h && h.consecutiveFailures > 0 && (
                  <span className="block small text-error" data-testid="consecutive-failures">
                    {t('sourceStatus.consecutiveFailures', { count: h.consecutiveFailures })}
                  </span>
                )}
                {h && <Breaker h={h} />}
                {h && h.quality.length > 0 && (
                  <span className="block small text-warn">{t('sourceStatus.qualityCount', { count: h.quality.length })}</span>
                )}
              </td>
              <td data-label={col.lastReads} className="cell-when">
                {h ? (
                  <>
                    <When label={t('sourceStatus.lastSuccessShort')} value={h.lastSuccessAt} testId="last-success" />
                    <When label={t('sourceStatus.lastErrorShort')} value={h.lastErrorAt} testId="last-error-at" bad={!errorRecovered(h)} />
                  </>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td data-label={col.reads}>{h ? <Reads h={h} /> : <span className="muted">—</span>}</td>
              <td className="cell-toggle">
                <button
                  type="button"
                  className={isOpen ? 'btn btn--small source-toggle is-open' : 'btn btn--small source-toggle'}
                  aria-expanded={isOpen}
                  aria-controls={isOpen ? detailsId : undefined}
                  aria-label={t('sourceStatus.detailsFor', { name: s.name })}
                  onClick={() => toggle(s.resource)}
                  data-testid="source-toggle"
                >
                  {isOpen ? t('sourceStatus.hideDetails') : t('sourceStatus.showDetails')}
                  <Icon name="chevronDown" size={14} className="source-toggle__icon" />
                </button>
              </td>
            </tr>
            {showError && h && (
              <tr className={`source-sub source-row--${state}${isOpen ? ' has-sub' : ''}`} data-testid={`source-error-${s.resource}`}>
                <td colSpan={COLS}>
                  <div className={recovered ? 'source-error is-recovered' : 'source-error'}>
                    <Icon name={recovered ? 'info' : 'error'} size={15} className="source-error__icon" />
                    <span className="source-error__label">{recovered ? t('sourceStatus.lastErrorRecovered') : t('sourceStatus.lastError')}</span>
                    <span className="source-error__text" data-testid="last-error">
                      {h.lastError}
                    </span>
                  </div>
                </td>
              </tr>
            )}
            {isOpen && (
              <tr className={`source-sub source-row--${state}`}>
                <td colSpan={COLS}>
                  <SourceDetails s={s} id={detailsId} />
                </td>
              </tr>
            )}
          </Fragment>
        );
      })}
    </CardTable>
  );
}

function Forbidden({ detail }: { detail: string | null }) {
  const { t } = useTranslation();
  const { user } = useSession();
  return (
    <div className="forbidden card" data-testid="sources-forbidden">
      <Icon name="lock" size={28} className="forbidden__icon" />
      <h2 className="forbidden__title">{t('sourceStatus.forbiddenTitle')}</h2>
      <p className="muted">{t('sourceStatus.forbiddenBody')}</p>
      {user && <p className="muted small">{t('session.yourRoles', { roles: user.roles.map((r) => t(`roles.${r}`)).join(t('common.listSep')) || '—' })}</p>}
      {detail && <p className="muted small">{detail}</p>}
      <Link className="btn" to="/">
        {t('notFound.back')}
      </Link>
    </div>
  );
}

export function SourcesPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  // polls while the page is open; stops once the server says this user may not look (403)
  const [pollMs, setPollMs] = useState<number | undefined>(SOURCES_POLL_MS);
  const res = useResource(fetchSources, pollMs);
  const forbidden = res.error?.status === 403;
  useEffect(() => {
    if (forbidden) setPollMs(undefined);
  }, [forbidden]);
  const [open, setOpen] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = (id: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const sources = res.data ? sortSources(res.data) : undefined;
  const counts = sources ? countSources(sources) : undefined;

  let body: ReactNode;
  if (res.loading) {
    body = (
      <Card title={t('sourceStatus.listTitle')}>
        <Loading lines={5} />
      </Card>
    );
  } else if (forbidden) {
    body = <Forbidden detail={res.error ? errorText(res.error) : null} />;
  } else if (!sources || !counts) {
    body = res.error && <ErrorPanel title={t('sourceStatus.loadFailed')} error={res.error} onRetry={res.reload} />;
  } else {
    body = (
      <>
        <RefreshFailed error={res.error} updatedAt={res.updatedAt} />
        <div className="tiles tiles--5" data-testid="sources-counts">
          {SOURCE_STATES.map((s) => (
            <Tile key={s} state={s} count={counts[s]} />
          ))}
        </div>
        <Card
          title={t('sourceStatus.listTitle')}
          flush
          testId="sources-card"
          actions={<span className="muted small">{t('sourceStatus.total', { n: sources.length })}</span>}
        >
          {sources.length === 0 ? (
            <Empty title={t('sourceStatus.empty')}>
              <p>{t('sourceStatus.emptyHint')}</p>
              <Link to="/catalog?kind=resources">{t('sourceStatus.openCatalog')}</Link>
            </Empty>
          ) : (
            <SourcesTable sources={sources} open={open} toggle={toggle} />
          )}
        </Card>
        <details className="legend" data-testid="sources-legend">
          <summary>{t('sourceStatus.legendTitle')}</summary>
          <dl className="legend__list">
            {SOURCE_STATES.map((s) => (
              <div className="legend__row" key={s}>
                <dt>
                  <SourceStateTag state={s} />
                </dt>
                <dd>{t(`sourceStatus.legend.${s}`)}</dd>
              </div>
            ))}
          </dl>
          <p className="hint">{t('sourceStatus.readyzNote')}</p>
        </details>
      </>
    );
  }

  return (
    <div className="page" data-testid="page-sources">
      <PageHeader
        title={t('sourceStatus.title')}
        subtitle={t('sourceStatus.subtitle', { seconds: SOURCES_POLL_MS / 1000 })}
        updatedAt={res.updatedAt}
        busy={res.busy}
        onRefresh={forbidden ? undefined : res.reload}
      />
      {body}
    </div>
  );
}
