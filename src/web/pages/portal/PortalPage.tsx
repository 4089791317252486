// 数据门户 / Data portal: unified search over the federation's directory — every region's data
// resources, certificate types and service items — with Chinese full text, filters with counts (region,
// kind, sharing type, cross-province mode, department) and paging. Public: no sign-in. The query lives in
// the URL (?q=&region=&kind=…&page=), so a search can be shared and the back button works.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { Icon } from '../../components/Icon';
import { Banner, Empty, ErrorPanel, Loading, Time } from '../../components/ui';
import { CROSS_MODES, fetchDirectoryStatus, fetchFacets, searchDirectory, SHARING_TYPES } from '../../catalog/api';
import type { CrossMode, DirectoryKind, DirectoryStatus, FacetValue, SearchHit, SearchParams, SharingType } from '../../catalog/api';
import { Highlighted } from '../../catalog/Highlighted';
import { KindTag, ModeTags, SharingTag, useFacetLabel, useRegionName } from '../../catalog/labels';
import { portalCertificatePath, portalItemPath, portalResourcePath } from '../../catalog/views';
import { useNodeInfo } from '../../nodeInfo';
import { useResource } from '../../useResource';

export const PAGE_SIZE = 20;
const KINDS: readonly DirectoryKind[] = ['resource', 'certificate-type', 'item'];
const EXAMPLES = ['户口迁移', '养老保险', '户籍', '社会保障卡', '公积金', '婚姻登记'];
const DEPARTMENTS_SHOWN = 8;

type FacetName = 'region' | 'department' | 'kind' | 'sharing' | 'mode';

function paramsOf(sp: URLSearchParams): SearchParams {
  const kind = sp.get('kind');
  const sharing = sp.get('sharing');
  const mode = sp.get('mode');
  const page = Number(sp.get('page') ?? '1');
  const region = (sp.get('region') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => /^[0-9]{6}$/.test(s));
  return {
    ...(sp.get('q') ? { q: sp.get('q')! } : {}),
    ...(region.length ? { region } : {}),
    ...(sp.get('department') ? { department: sp.get('department')! } : {}),
    ...(kind && (KINDS as readonly string[]).includes(kind) ? { kind: kind as DirectoryKind } : {}),
    ...(sharing && (SHARING_TYPES as readonly string[]).includes(sharing) ? { sharing: sharing as SharingType } : {}),
    ...(mode && (CROSS_MODES as readonly string[]).includes(mode) ? { mode: mode as CrossMode } : {}),
    ...(Number.isInteger(page) && page > 1 ? { page } : {}),
    pageSize: PAGE_SIZE,
  };
}

export function hitPath(h: Pick<SearchHit, 'kind' | 'region' | 'id'>): string {
  if (h.kind === 'resource') return portalResourcePath(h.region.code, h.id);
  if (h.kind === 'item') return portalItemPath(h.region.code, h.id);
  return portalCertificatePath(h.region.code, h.id);
}

function Hit({ hit }: { hit: SearchHit }) {
  const { t } = useTranslation();
  const regionName = useRegionName();
  const hl = (field: string) => hit.highlights?.find((h) => h.field === field);
  const name = hl('name');
  const summary = hl('summary');
  const dept = hl('department');
  const details = hit.highlights?.filter((h) => h.field === 'detail') ?? [];
  return (
    <li className="hit" data-testid={`hit-${hit.kind}-${hit.region.code}-${hit.id}`} data-kind={hit.kind} data-region={hit.region.code} data-id={hit.id}>
      <div className="hit__meta">
        <KindTag kind={hit.kind} />
        <span className="hit__region" data-testid="hit-region">
          <Icon name="globe" size={13} /> {regionName(hit.region.code, hit.region.name)}
        </span>
        <span className="hit__dept" data-testid="hit-department">
          {dept ? <Highlighted text={dept.text} ranges={dept.ranges} /> : hit.department}
        </span>
      </div>
      <Link className="hit__title" to={hitPath(hit)} data-testid="hit-link">
        {name ? <Highlighted text={name.text} ranges={name.ranges} /> : hit.name}
      </Link>
      {(summary || hit.summary) && <p className="hit__summary">{summary ? <Highlighted text={summary.text} ranges={summary.ranges} /> : hit.summary}</p>}
      {details.length > 0 && (
        <p className="hit__match small" data-testid="hit-match">
          <span className="muted">{t('portal.matchedIn')}</span>{' '}
          {details.slice(0, 2).map((d, i) => (
            <span key={i} className="hit__match-item">
              <Highlighted text={d.text} ranges={d.ranges} />
            </span>
          ))}
        </p>
      )}
      {(hit.sharing || (hit.kind === 'item' && hit.modes)) && (
        <div className="hit__tags">
          {hit.sharing && <SharingTag type={hit.sharing} />}
          {hit.kind === 'item' && hit.modes && (hit.modes.length > 0 ? <ModeTags modes={hit.modes} /> : <span className="muted small">{t('portal.modesNotSet')}</span>)}
        </div>
      )}
    </li>
  );
}

function FacetGroup({
  name,
  title,
  values,
  selected,
  multi,
  onToggle,
  limit,
}: {
  name: FacetName;
  title: ReactNode;
  values: FacetValue[];
  selected: string[];
  multi?: boolean;
  onToggle: (value: string) => void;
  limit?: number;
}) {
  const { t } = useTranslation();
  const label = useFacetLabel();
  const [all, setAll] = useState(false);
  // a selected value with no hits left still shows, so it can be unselected
  const shown = [...values, ...selected.filter((s) => !values.some((v) => v.value === s)).map((s) => ({ value: s, label: s, count: 0 }))];
  const visible = limit && !all ? shown.slice(0, limit) : shown;
  return (
    <fieldset className="facet" data-testid={`facet-${name}`}>
      <legend className="facet__title">{title}</legend>
      {shown.length === 0 ? (
        <p className="facet__none muted small">{t('portal.facetNone')}</p>
      ) : (
        <ul className="facet__list">
          {visible.map((v) => {
            const on = selected.includes(v.value);
            return (
              <li key={v.value}>
                <label className={on ? 'facet__opt is-on' : 'facet__opt'} data-testid={`facet-${name}-${v.value}`} data-selected={String(on)}>
                  <input type={multi ? 'checkbox' : 'radio'} name={`facet-${name}`} checked={on} onChange={() => onToggle(v.value)} onClick={() => !multi && on && onToggle(v.value)} />
                  <span className="facet__label">{label(name, v.value, v.label)}</span>
                  <span className="facet__count num">{v.count}</span>
                </label>
              </li>
            );
          })}
        </ul>
      )}
      {limit && shown.length > limit && (
        <button type="button" className="link-button facet__more" onClick={() => setAll(!all)}>
          {all ? t('portal.showLess') : t('portal.showMore', { n: shown.length - limit })}
        </button>
      )}
    </fieldset>
  );
}

function Pager({ page, total, pageSize, onPage }: { page: number; total: number; pageSize: number; onPage: (p: number) => void }) {
  const { t } = useTranslation();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  const around = new Set([1, pages, page - 1, page, page + 1].filter((p) => p >= 1 && p <= pages));
  const list = [...around].sort((a, b) => a - b);
  const items: Array<number | 'gap'> = [];
  list.forEach((p, i) => {
    if (i > 0 && p - list[i - 1]! > 1) items.push('gap');
    items.push(p);
  });
  return (
    <nav className="pager" aria-label={t('portal.pager')} data-testid="pager">
      <button type="button" className="btn btn--small" disabled={page <= 1} onClick={() => onPage(page - 1)} data-testid="pager-prev">
        {t('portal.prev')}
      </button>
      {items.map((p, i) =>
        p === 'gap' ? (
          <span key={`gap-${i}`} className="pager__gap">
            …
          </span>
        ) : (
          <button
            type="button"
            key={p}
            className={p === page ? 'btn btn--small pager__page is-current' : 'btn btn--small pager__page'}
            aria-current={p === page ? 'page' : undefined}
            onClick={() => onPage(p)}
            data-testid={`pager-page-${p}`}
          >
            {p}
          </button>
        ),
      )}
      <button type="button" className="btn btn--small" disabled={page >= pages} onClick={() => onPage(page + 1)} data-testid="pager-next">
        {t('portal.next')}
      </button>
    </nav>
  );
}

/** On the hub (or while the server's role is not known yet) there is no cache state to ask for. */
const noStatus = (): Promise<DirectoryStatus | null> => Promise.resolve(null);

/** Where the directory came from: the hub itself, or this node's cache (with a warning when the hub is not answering). */
function SourceNote({ source, syncedAt }: { source: 'hub' | 'cache'; syncedAt: string | null | undefined }) {
  const { t } = useTranslation();
  // only a node keeps a copy of the directory and says how it is doing (/api/directory/status); the hub has no such route
  const onNode = useNodeInfo().data?.role === 'node';
  const status = useResource<DirectoryStatus | null>(onNode ? fetchDirectoryStatus : noStatus, onNode ? 30_000 : undefined);
  if (source === 'hub') {
    return (
      <p className="portal-source muted small" data-testid="directory-source" data-source="hub">
        <Icon name="federation" size={13} /> {t('portal.sourceHub')}
      </p>
    );
  }
  const hubDown = status.data?.cache.hubReachable === false;
  const synced = syncedAt ?? status.data?.cache.syncedAt ?? null;
  if (hubDown) {
    return (
      <Banner tone="warn" title={t('portal.cacheTitle')} testId="directory-source" attrs={{ 'data-source': 'cache', 'data-hub': 'down' }}>
        {synced ? (
          <>
            {t('portal.cacheBody')} <Time value={synced} />
          </>
        ) : (
          t('portal.cacheBodyNever')
        )}
      </Banner>
    );
  }
  return (
    <p className="portal-source muted small" data-testid="directory-source" data-source={source} data-hub={status.data ? 'up' : 'unknown'}>
      <Icon name="federation" size={13} /> {t('portal.sourceCache')}
      {synced && (
        <>
          {' '}
          · {t('portal.syncedAt')} <Time value={synced} relative />
        </>
      )}
    </p>
  );
}

export function PortalPage() {
  const { t } = useTranslation();
  const regionName = useRegionName();
  const facetLabel = useFacetLabel();
  const [sp, setSp] = useSearchParams();
  const params = useMemo(() => paramsOf(sp), [sp]);
  const key = JSON.stringify(params);
  const [draft, setDraft] = useState(params.q ?? '');
  const [filtersOpen, setFiltersOpen] = useState(false);

  useEffect(() => setDraft(params.q ?? ''), [params.q]);

  // `key` is the identity of the query: the loaders change only when the query does
  const loadHits = useCallback((signal: AbortSignal) => searchDirectory(JSON.parse(key) as SearchParams, signal), [key]);
  const loadFacets = useCallback((signal: AbortSignal) => fetchFacets(JSON.parse(key) as SearchParams, signal), [key]);
  const hits = useResource(loadHits);
  const facets = useResource(loadFacets);

  const update = (change: Partial<Record<'q' | 'region' | 'department' | 'kind' | 'sharing' | 'mode' | 'page', string | null>>) => {
    const next = new URLSearchParams(sp);
    for (const [k, v] of Object.entries(change)) {
      if (v === null || v === '' || v === undefined) next.delete(k);
      else next.set(k, v);
    }
    if (!('page' in change)) next.delete('page');
    setSp(next);
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    update({ q: draft.trim() || null });
  };

  const toggleRegion = (code: string) => {
    const cur = params.region ?? [];
    const next = cur.includes(code) ? cur.filter((c) => c !== code) : [...cur, code];
    update({ region: next.join(',') || null });
  };
  const toggleOne = (name: 'department' | 'kind' | 'sharing' | 'mode') => (value: string) => update({ [name]: params[name] === value ? null : value });

  const active: Array<{ key: string; label: string; clear: () => void }> = [
    ...(params.region ?? []).map((c) => ({ key: `region-${c}`, label: regionName(c), clear: () => toggleRegion(c) })),
    ...(['kind', 'sharing', 'mode', 'department'] as const)
      .filter((n) => params[n])
      .map((n) => ({ key: n, label: facetLabel(n, params[n]!, params[n]!), clear: () => update({ [n]: null }) })),
  ];
  const filterCount = active.length;

  const f = facets.data?.facets;
  const result = hits.data;
  const page = params.page ?? 1;

  let body: ReactNode;
  if (hits.loading) body = <Loading lines={6} />;
  else if (hits.error && !result) body = <ErrorPanel title={t('portal.loadFailed')} error={hits.error} onRetry={hits.reload} />;
  else if (result && result.hits.length === 0)
    body = (
      <Empty title={t('portal.noResults')}>
        {filterCount > 0 ? (
          <button type="button" className="link-button" onClick={() => setSp(params.q ? new URLSearchParams({ q: params.q }) : new URLSearchParams())}>
            {t('portal.clearFilters')}
          </button>
        ) : (
          t('portal.noResultsHint')
        )}
      </Empty>
    );
  else if (result)
    body = (
      <>
        <ol className={hits.busy ? 'hit-list is-busy' : 'hit-list'} data-testid="hits" aria-busy={hits.busy}>
          {result.hits.map((h) => (
            <Hit key={`${h.kind}-${h.region.code}-${h.id}`} hit={h} />
          ))}
        </ol>
        <Pager page={result.page} total={result.total} pageSize={result.pageSize} onPage={(p) => update({ page: p > 1 ? String(p) : null })} />
      </>
    );

  return (
    <div className="page portal" data-testid="page-portal">
      <section className="portal-hero">
        <h1 className="portal-hero__title">{t('portal.title')}</h1>
        <p className="portal-hero__subtitle">{t('portal.subtitle')}</p>
        <form className="portal-search" role="search" onSubmit={onSubmit} data-testid="portal-search-form">
          <label className="visually-hidden" htmlFor="portal-q">
            {t('portal.searchLabel')}
          </label>
          <span className="portal-search__field">
            <Icon name="search" size={18} className="portal-search__icon" />
            <input
              id="portal-q"
              className="portal-search__input"
              type="search"
              value={draft}
              maxLength={200}
              placeholder={t('portal.searchPlaceholder')}
              onChange={(e) => setDraft(e.target.value)}
              data-testid="portal-search-input"
              enterKeyHint="search"
            />
          </span>
          <button type="submit" className="btn btn--primary portal-search__submit" data-testid="portal-search-submit">
            {t('portal.search')}
          </button>
        </form>
        <div className="portal-hero__examples">
          <span className="muted small">{t('portal.examples')}</span>
          {EXAMPLES.map((x) => (
            <button type="button" key={x} className="chip chip--hero" onClick={() => update({ q: x })}>
              {x}
            </button>
          ))}
        </div>
      </section>

      {result && <SourceNote source={result.source} syncedAt={result.syncedAt} />}

      <div className="portal-layout">
        <aside className={filtersOpen ? 'portal-filters is-open' : 'portal-filters'} aria-label={t('portal.filters')}>
          <button type="button" className="portal-filters__toggle btn" onClick={() => setFiltersOpen(!filtersOpen)} aria-expanded={filtersOpen} data-testid="filters-toggle">
            <Icon name="list" size={15} /> {t('portal.filters')}
            {filterCount > 0 && <span className="portal-filters__badge">{filterCount}</span>}
          </button>
          <div className="portal-filters__body" data-testid="portal-filters">
            {!f && facets.loading ? (
              <Loading lines={5} />
            ) : facets.error && !f ? (
              <ErrorPanel title={t('portal.facetsFailed')} error={facets.error} onRetry={facets.reload} />
            ) : f ? (
              <>
                <FacetGroup name="region" title={t('portal.facet.region')} values={f.region} selected={params.region ?? []} multi onToggle={toggleRegion} />
                <FacetGroup name="kind" title={t('portal.facet.kind')} values={f.kind} selected={params.kind ? [params.kind] : []} onToggle={toggleOne('kind')} />
                <FacetGroup name="sharing" title={t('portal.facet.sharing')} values={f.sharing} selected={params.sharing ? [params.sharing] : []} onToggle={toggleOne('sharing')} />
                <FacetGroup name="mode" title={t('portal.facet.mode')} values={f.mode} selected={params.mode ? [params.mode] : []} onToggle={toggleOne('mode')} />
                <FacetGroup
                  name="department"
                  title={t('portal.facet.department')}
                  values={f.department}
                  selected={params.department ? [params.department] : []}
                  onToggle={toggleOne('department')}
                  limit={DEPARTMENTS_SHOWN}
                />
              </>
            ) : null}
          </div>
        </aside>

        <section className="portal-results" aria-label={t('portal.results')}>
          <div className="portal-results__head">
            <span className="portal-results__count" data-testid="result-count" data-total={result?.total ?? ''}>
              {result ? (params.q ? t('portal.countFor', { count: result.total, q: params.q }) : t('portal.count', { count: result.total })) : '\u00a0'}
              {result && result.total > 0 && result.pageSize < result.total && (
                <span className="muted small"> · {t('portal.pageOf', { page, pages: Math.ceil(result.total / result.pageSize) })}</span>
              )}
            </span>
            {active.length > 0 && (
              <span className="active-filters" data-testid="active-filters">
                {active.map((a) => (
                  <button type="button" key={a.key} className="chip chip--active" onClick={a.clear} title={t('portal.removeFilter')} data-testid={`active-filter-${a.key}`}>
                    {a.label} <span aria-hidden="true">×</span>
                  </button>
                ))}
                {active.length > 1 && (
                  <button type="button" className="link-button" onClick={() => setSp(params.q ? new URLSearchParams({ q: params.q }) : new URLSearchParams())}>
                    {t('portal.clearFilters')}
                  </button>
                )}
              </span>
            )}
          </div>
          {hits.error && result && <ErrorPanel title={t('portal.refreshFailed')} error={hits.error} onRetry={hits.reload} />}
          {body}
        </section>
      </div>
    </div>
  );
}
