// 目录管理 / Catalogue console: this node's data resources, certificate types and service items with
// their status (草稿 / 审核中 / 已发布 / 已停用) and versions. Data administrators create resources and
// items and import 实施清单; approvers find what waits for their review. ?kind=&status=&q= keep the view in the URL.
import { useCallback, useMemo } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { Icon } from '../../components/Icon';
import { Banner, Card, Empty, ErrorPanel, Loading, Time } from '../../components/ui';
import { ENTRY_KINDS, ENTRY_STATUSES, fetchEntries, KIND_PATH, kindOfPath } from '../../catalog/api';
import type { AnyDoc, EditableKind, EntryKind, EntryStatus, EntryView, ItemDoc } from '../../catalog/api';
import { StatusTag } from '../../catalog/labels';
import { useSession } from '../../session';
import { useResource } from '../../useResource';
import { PageHeader } from '../shared';

export function consoleEntryPath(kind: EntryKind, id: string): string {
  return `/catalog/${KIND_PATH[kind]}/${encodeURIComponent(id)}`;
}

/** The kinds the console has a form for (certificate types are maintained by import and the API). */
export function isEditable(kind: EntryKind): kind is EditableKind {
  return kind === 'resource' || kind === 'item';
}

/** The form for an entry (its draft, or a new draft version of the published one), or for a new one. */
export function consoleEditPath(kind: EditableKind, id: string | null): string {
  return id === null ? `/catalog/${KIND_PATH[kind]}/new` : `${consoleEntryPath(kind, id)}/edit`;
}

function Versions({ e }: { e: EntryView }) {
  const { t } = useTranslation();
  const parts: ReactNode[] = [];
  if (e.published) {
    parts.push(
      <span key="p" className={e.status === 'retired' ? 'version version--retired' : 'version version--live'}>
        {e.status === 'retired' ? t('console.versionRetired', { version: e.published.version }) : t('console.versionLive', { version: e.published.version })}
      </span>,
    );
  }
  if (e.working) {
    // the version being worked on is either a draft (编辑中) or waits for an approver (待审), as the entry's status says
    const inReview = e.status === 'in-review' || e.working.status === 'in-review';
    parts.push(
      <span key="w" className={inReview ? 'version version--in-review' : 'version version--working'} data-testid="version-working" data-status={inReview ? 'in-review' : 'draft'}>
        {inReview ? t('console.versionInReview', { version: e.working.version }) : t('console.versionWorking', { version: e.working.version })}
      </span>,
    );
  }
  return <span className="versions">{parts.length ? parts : '—'}</span>;
}

export function CatalogListPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const [sp, setSp] = useSearchParams();
  const kind: EntryKind = kindOfPath(sp.get('kind') ?? undefined) ?? 'resource';
  const statusParam = sp.get('status');
  const status = (ENTRY_STATUSES as readonly string[]).includes(statusParam ?? '') ? (statusParam as EntryStatus) : null;
  const q = sp.get('q') ?? '';
  const isAdmin = Boolean(user?.roles.includes('admin'));
  const isApprover = Boolean(user?.roles.includes('approver'));

  const load = useCallback((signal: AbortSignal) => fetchEntries(kind, signal) as Promise<EntryView[]>, [kind]);
  const entries = useResource(load);
  // counts of what waits for review, over every kind (one small list each)
  const loadAll = useCallback(
    async (signal: AbortSignal) => {
      const lists = await Promise.all(ENTRY_KINDS.map((k) => fetchEntries(k, signal)));
      return Object.fromEntries(ENTRY_KINDS.map((k, i) => [k, lists[i]!.filter((e) => e.status === 'in-review').length])) as Record<EntryKind, number>;
    },
    [],
  );
  const inReview = useResource(loadAll);

  const set = (change: Record<string, string | null>) => {
    const next = new URLSearchParams(sp);
    for (const [k, v] of Object.entries(change)) {
      if (v === null || v === '') next.delete(k);
      else next.set(k, v);
    }
    setSp(next, { replace: true });
  };

  const counts = useMemo(() => {
    const c: Record<EntryStatus, number> = { draft: 0, 'in-review': 0, published: 0, retired: 0 };
    for (const e of entries.data ?? []) c[e.status] = (c[e.status] ?? 0) + 1;
    return c;
  }, [entries.data]);

  const needle = q.trim().toLowerCase();
  const rows = (entries.data ?? []).filter(
    (e) => (!status || e.status === status) && (!needle || e.id.toLowerCase().includes(needle) || e.name.toLowerCase().includes(needle)),
  );
  const totalInReview = inReview.data ? Object.values(inReview.data).reduce((a, b) => a + b, 0) : 0;

  let body: ReactNode;
  if (entries.loading) body = <div className="pad"><Loading lines={6} /></div>;
  else if (entries.error && !entries.data) body = <div className="pad"><ErrorPanel title={t('console.loadFailed')} error={entries.error} onRetry={entries.reload} /></div>;
  else if (rows.length === 0) body = <Empty title={t('console.empty')}>{needle || status ? t('console.emptyFiltered') : null}</Empty>;
  else
    body = (
      <div className="table-wrap">
        <table className="table table--cards catalog-table" data-testid="catalog-table">
          <thead>
            <tr>
              <th>{t('console.colName')}</th>
              <th className="col-status">{t('console.colStatus')}</th>
              <th className="col-versions">{t('console.colVersions')}</th>
              {kind === 'item' && <th className="col-origin">{t('console.colOrigin')}</th>}
              <th className="col-time">{t('console.colUpdated')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => {
              const doc = (e.working ?? e.published) as AnyDoc | null;
              return (
                <tr key={e.id} data-testid={`catalog-row-${e.id}`} data-status={e.status}>
                  <td data-label={t('console.colName')}>
                    <Link to={consoleEntryPath(kind, e.id)} className="strong" data-testid="catalog-row-link">
                      {e.name}
                    </Link>
                    <code className="block muted small break-all">{e.id}</code>
                  </td>
                  <td data-label={t('console.colStatus')}>
                    <StatusTag status={e.status} />
                  </td>
                  <td data-label={t('console.colVersions')}>
                    <Versions e={e} />
                  </td>
                  {kind === 'item' && (
                    <td data-label={t('console.colOrigin')}>
                      {(doc as ItemDoc | null)?.origin.kind === 'national-confirmed' ? t('console.originNational') : t('console.originRegional')}
                    </td>
                  )}
                  <td data-label={t('console.colUpdated')}>
                    <Time value={e.updatedAt} />
                    <span className="block muted small">{e.updatedBy}</span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    );

  return (
    <div className="page" data-testid="page-catalog">
      <PageHeader title={t('console.title')} subtitle={t('console.subtitle')} updatedAt={entries.updatedAt} busy={entries.busy} onRefresh={() => {
          entries.reload();
          inReview.reload();
        }} />
      {isApprover && totalInReview > 0 && (
        <Banner tone="info" title={t('console.awaitingReview', { count: totalInReview })} testId="awaiting-review">
          <span className="inline-links">
            {ENTRY_KINDS.filter((k) => (inReview.data?.[k] ?? 0) > 0).map((k) => (
              <Link key={k} to={`/catalog?kind=${KIND_PATH[k]}&status=in-review`}>
                {t(`enums.kindPlural.${k}`)} {inReview.data?.[k]}
              </Link>
            ))}
          </span>
        </Banner>
      )}
      <Card
        flush
        testId="catalog-list"
        title={
          <span className="tabs" role="tablist" aria-label={t('console.kinds')}>
            {ENTRY_KINDS.map((k) => (
              <button
                type="button"
                role="tab"
                key={k}
                aria-selected={k === kind}
                className={k === kind ? 'tab is-active' : 'tab'}
                onClick={() => set({ kind: KIND_PATH[k], status: null })}
                data-testid={`catalog-tab-${k}`}
              >
                {t(`enums.kindPlural.${k}`)}
              </button>
            ))}
          </span>
        }
        actions={
          isAdmin && (
            <>
              {kind === 'resource' && (
                <Link to={consoleEditPath('resource', null)} className="btn btn--primary" data-testid="new-resource">
                  <Icon name="document" size={15} /> {t('console.newResource')}
                </Link>
              )}
              {kind === 'item' && (
                <>
                  <Link to="/catalog/import" className="btn" data-testid="import-items">
                    <Icon name="upload" size={15} /> {t('console.importItems')}
                  </Link>
                  <Link to={consoleEditPath('item', null)} className="btn btn--primary" data-testid="new-item">
                    <Icon name="document" size={15} /> {t('console.newItem')}
                  </Link>
                </>
              )}
            </>
          )
        }
      >
        <div className="list-tools">
          <div className="status-filter" role="group" aria-label={t('console.colStatus')}>
            <button type="button" className={!status ? 'chip is-on' : 'chip'} onClick={() => set({ status: null })} data-testid="status-filter-all">
              {t('console.all')} <span className="num">{entries.data?.length ?? ''}</span>
            </button>
            {ENTRY_STATUSES.map((s) => (
              <button type="button" key={s} className={status === s ? 'chip is-on' : 'chip'} onClick={() => set({ status: status === s ? null : s })} data-testid={`status-filter-${s}`}>
                {t(`enums.status.${s}`)} <span className="num">{counts[s]}</span>
              </button>
            ))}
          </div>
          <input
            type="search"
            className="input list-tools__search"
            placeholder={t('console.filterPlaceholder')}
            value={q}
            onChange={(e) => set({ q: e.target.value })}
            aria-label={t('console.filterPlaceholder')}
            data-testid="catalog-filter"
          />
        </div>
        {body}
      </Card>
      {!isAdmin && <p className="muted small">{t('console.approverNote')}</p>}
    </div>
  );
}
