// One catalogue entry in the console: its status and versions, the workflow steps the signed-in user may
// take (admin: edit, submit, withdraw, discard, retire; approver who did not write the version: approve,
// return with a reason), the reviewer's diff between the version in force and the proposed one, either
// version in full, and the entry's history timeline.
import { useCallback, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router';
import { ApiError } from '../../api';
import { Icon } from '../../components/Icon';
import { Banner, Card, Empty, ErrorPanel, Loading, ReasonForm, Tag, Time, TimelineItem } from '../../components/ui';
import { fetchEntry, fetchHistory, KIND_PATH, kindOfPath, workflowStep } from '../../catalog/api';
import type { AnyDoc, CertificateTypeDoc, EntryKind, EntryView, HistoryEntry, ItemDoc, ResourceDoc, WorkflowStep } from '../../catalog/api';
import { diffDocs } from '../../catalog/diff';
import { StatusTag } from '../../catalog/labels';
import { PATH_LABELS, pathLabelKey } from '../../catalog/pathLabels';
import type { Translate } from '../../catalog/pathLabels';
import { CertificateTypeDetails, ItemGuide, ResourceDetails } from '../../catalog/views';
import { useSession } from '../../session';
import { useResource } from '../../useResource';
import { NotFoundPage } from '../NotFoundPage';
import { consoleEditPath, isEditable } from './CatalogListPage';

function DocView({ kind, doc, region }: { kind: EntryKind; doc: AnyDoc; region: string }) {
  if (kind === 'resource') return <ResourceDetails doc={doc as ResourceDoc} showAdapter />;
  if (kind === 'item') return <ItemGuide doc={doc as ItemDoc} region={region} />;
  return <CertificateTypeDetails doc={doc as CertificateTypeDoc} />;
}

/** A reviewer's name for a flattened path: `updateCycle` → 更新周期, `fields「idNumber」.element` → 字段 idNumber · 数据元. */
function pathLabel(t: Translate, path: string): string {
  const named = /^(fields|materials)「(.+)」\.?(.*)$/.exec(path);
  if (named) {
    const [, list, name, rest] = named;
    const restLabel = rest ? PATH_LABELS[`${list}.${rest}`] : undefined;
    return `${list === 'fields' ? t('review.path.field') : t('review.path.material')} ${name}${rest ? ` · ${restLabel ? t(restLabel) : rest}` : ''}`;
  }
  const key = pathLabelKey(path);
  return key ? t(key) : path;
}

/** Closed vocabularies read in words, not codes. */
function valueText(t: Translate, path: string, raw: string): string {
  const each = (prefix: string) =>
    raw
      .split(', ')
      .map((v) => t(`${prefix}.${v}`, { defaultValue: v }))
      .join(t('common.listSep'));
  if (path === 'sharing.type') return each('enums.sharing');
  if (path === 'sharing.methods') return each('enums.method');
  if (path === 'classification.grade') return each('enums.grade');
  if (path === 'classification.tier') return each('enums.tier');
  if (path === 'updateCycle') return each('enums.cycle');
  if (path === 'subjectType') return each('enums.subject');
  if (path === 'modes') return each('enums.mode');
  if (/^fields(「.+」|\[\d+\])\.sensitivity$/.test(path)) return each('enums.sensitivity');
  return raw;
}

function DiffTable({ before, after }: { before: AnyDoc; after: AnyDoc }) {
  const { t } = useTranslation();
  const tt = t as unknown as Translate;
  const rows = diffDocs(before, after);
  if (rows.length === 0) return <p className="muted pad">{t('review.noChanges')}</p>;
  return (
    <div className="table-wrap">
      <table className="table table--cards diff-table" data-testid="review-diff">
        <thead>
          <tr>
            <th className="col-path">{t('review.colField')}</th>
            <th>{t('review.colBefore', { version: before.version })}</th>
            <th>{t('review.colAfter', { version: after.version })}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.path} className={`diff-row diff-row--${r.change}`} data-testid={`diff-${r.path}`} data-change={r.change}>
              <td data-label={t('review.colField')}>
                <span className="diff-path">{pathLabel(tt, r.path)}</span>
                <code className="diff-path__raw muted small break-all">{r.path}</code>
              </td>
              <td data-label={t('review.colBeforeShort')} className="diff-before">
                {r.before === undefined ? <span className="muted">{t('review.absent')}</span> : <del>{valueText(tt, r.path, r.before)}</del>}
              </td>
              <td data-label={t('review.colAfterShort')} className="diff-after">
                {r.after === undefined ? <span className="muted">{t('review.removed')}</span> : <ins>{valueText(tt, r.path, r.after)}</ins>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function HistoryTimeline({ kind, id, tick }: { kind: EntryKind; id: string; tick: number }) {
  const { t } = useTranslation();
  // `tick` changes after each workflow step: the timeline loads again
  const load = useCallback((signal: AbortSignal) => fetchHistory(kind, id, signal) as Promise<HistoryEntry[]>, [kind, id, tick]);
  const h = useResource(load);
  if (h.loading) return <Loading lines={4} />;
  if (h.error) return <ErrorPanel title={t('history.loadFailed')} error={h.error} onRetry={h.reload} />;
  const list = [...(h.data ?? [])].reverse();
  return (
    <ol className="timeline" data-testid="history">
      {list.map((e, i) => (
        <TimelineItem
          key={i}
          kind={e.action}
          title={t(`history.action.${e.action as 'created'}`, { defaultValue: e.action })}
          aside={t('history.version', { version: e.version })}
          at={e.at}
          actor={e.actor}
          note={e.reason ? t('history.reason', { reason: e.reason }) : null}
          attrs={{ 'data-version': String(e.version) }}
        />
      ))}
    </ol>
  );
}

export function CatalogEntryPage() {
  const { t } = useTranslation();
  const params = useParams();
  const kind = kindOfPath(params.kind);
  const id = params.id ?? '';
  const { user } = useSession();
  const [tick, setTick] = useState(0);
  const [busy, setBusy] = useState<WorkflowStep | null>(null);
  const [asking, setAsking] = useState<'return' | 'retire' | null>(null);
  const [stepError, setStepError] = useState<ApiError | null>(null);
  const location = useLocation();
  // arriving from the form: what it did (saved the draft, or saved and submitted it)
  const [done, setDone] = useState<WorkflowStep | 'save' | null>(((location.state as { done?: WorkflowStep | 'save' } | null)?.done) ?? null);
  const [show, setShow] = useState<'working' | 'published' | null>(null);

  // the entry as a workflow step returned it, until the reload that follows the step has come back
  const [fresh, setFresh] = useState<{ view: EntryView; at: number } | null>(null);

  const load = useCallback((signal: AbortSignal) => fetchEntry(kind ?? 'resource', id, signal) as Promise<EntryView>, [kind, id]);
  const entry = useResource(load);

  if (!kind) return <NotFoundPage />;
  const e = fresh && fresh.view.id === id && (!entry.updatedAt || entry.updatedAt.getTime() < fresh.at) ? fresh.view : entry.data;

  const run = async (step: WorkflowStep, reason?: string) => {
    setBusy(step);
    setStepError(null);
    setDone(null);
    try {
      const view = await workflowStep(kind, id, step, reason);
      setFresh({ view, at: Date.now() });
      setAsking(null);
      setDone(step);
      entry.reload();
      setTick((n) => n + 1);
    } catch (err) {
      setStepError(err instanceof ApiError ? err : new ApiError({ kind: 'network', message: String(err) }));
    } finally {
      setBusy(null);
    }
  };

  if (entry.loading) {
    return (
      <div className="page">
        <Loading lines={8} />
      </div>
    );
  }
  if (!e) {
    return (
      <div className="page">
        <Link to={`/catalog?kind=${KIND_PATH[kind]}`} className="back-link">
          <Icon name="arrowLeft" size={14} /> {t('console.backToList')}
        </Link>
        {entry.error && <ErrorPanel title={entry.error.status === 404 ? t('console.notFound', { id }) : t('console.entryFailed')} error={entry.error} onRetry={entry.reload} />}
      </div>
    );
  }

  const isAdmin = Boolean(user?.roles.includes('admin'));
  const isApprover = Boolean(user?.roles.includes('approver'));
  const isAuthor = Boolean(user && e.review?.authors.includes(user.id));
  const viewing = show ?? (e.working ? 'working' : 'published');
  const shownDoc = viewing === 'working' ? e.working : e.published;
  const region = user?.regionCode ?? '';

  const actions: ReactNode[] = [];
  const btn = (step: WorkflowStep, label: string, cls = 'btn', icon?: 'send' | 'check' | 'arrowLeft' | 'error') =>
    actions.push(
      <button type="button" key={step} className={cls} disabled={busy !== null} onClick={() => (step === 'return' || step === 'retire' ? setAsking(step) : void run(step))} data-testid={`step-${step}`}>
        {icon && <Icon name={icon} size={15} className={busy === step ? 'spin' : undefined} />}
        {label}
      </button>,
    );
  if (isAdmin) {
    if (isEditable(kind) && e.status !== 'in-review') {
      actions.push(
        <Link key="edit" to={consoleEditPath(kind, id)} className="btn" data-testid="step-edit">
          <Icon name="document" size={15} />
          {e.working ? t('steps.editDraft') : t('steps.edit')}
        </Link>,
      );
    }
    if (e.status === 'draft') btn('submit', t('steps.submit'), 'btn btn--primary', 'send');
    if (e.status === 'in-review') btn('withdraw', t('steps.withdraw'), 'btn', 'arrowLeft');
    if (e.status === 'draft' && e.published) btn('discard', t('steps.discard'));
    if (e.published && e.status !== 'retired' && e.status !== 'in-review') btn('retire', t('steps.retire'), 'btn btn--danger-outline');
  }
  if (isApprover && e.status === 'in-review' && !isAuthor) {
    btn('approve', t('steps.approve'), 'btn btn--primary', 'check');
    btn('return', t('steps.return'), 'btn btn--danger-outline', 'arrowLeft');
  }

  return (
    <div className="page" data-testid="page-catalog-entry" data-kind={kind} data-id={id} data-status={e.status}>
      <div className="entry-head">
        <Link to={`/catalog?kind=${KIND_PATH[kind]}`} className="back-link" data-testid="back-to-list">
          <Icon name="arrowLeft" size={14} /> {t('console.backToList')}
        </Link>
        <div className="entry-head__meta">
          <Tag tone="neutral" dot={false}>
            {t(`enums.kind.${kind}`)}
          </Tag>
          <StatusTag status={e.status} testId="entry-status" />
          <code className="muted small break-all">{e.id}</code>
        </div>
        <h1 className="entry-head__title" data-testid="entry-title">
          {e.name}
        </h1>
        <p className="entry-head__subtitle">
          {t('console.createdBy', { who: e.createdBy })} <Time value={e.createdAt} /> · {t('console.updatedBy', { who: e.updatedBy })} <Time value={e.updatedAt} />
        </p>
      </div>

      {done && (
        <Banner tone="ok" title={t(`steps.done.${done}`)} testId="step-done" attrs={{ 'data-step': done }}>
          {done === 'approve' ? t('steps.doneApproveBody') : null}
        </Banner>
      )}
      {stepError && (
        <div data-testid="step-error" data-code={stepError.code ?? ''}>
          <ErrorPanel title={t('steps.failed')} error={stepError} />
          {typeof stepError.detail === 'string' && <p className="muted small form-error__detail">{stepError.detail}</p>}
        </div>
      )}
      {e.status === 'draft' && e.review?.returnedReason && (
        <Banner tone="warn" title={t('review.returnedTitle', { who: e.review.returnedBy ?? '—' })} testId="returned-banner">
          {e.review.returnedReason} {e.review.returnedAt && <span className="muted">· <Time value={e.review.returnedAt} /></span>}
        </Banner>
      )}
      {e.status === 'in-review' && (
        <Banner tone="info" title={t('review.inReviewTitle', { who: e.review?.submittedBy ?? '—' })} testId="in-review-banner">
          {e.review?.submittedAt && <Time value={e.review.submittedAt} />}
          {isApprover && isAuthor && <div className="small">{t('review.authorCannotApprove')}</div>}
          {!isApprover && <div className="small">{t('review.needsApprover')}</div>}
        </Banner>
      )}

      {(actions.length > 0 || asking) && (
        <div className="step-bar card" data-testid="step-bar">
          {asking ? (
            <ReasonForm
              testId={asking === 'return' ? 'return-form' : 'retire-form'}
              label={asking === 'return' ? t('review.returnReason') : t('review.retireReason')}
              confirm={asking === 'return' ? t('steps.return') : t('steps.retire')}
              busy={busy !== null}
              onCancel={() => setAsking(null)}
              onSubmit={(reason) => void run(asking, reason)}
            />
          ) : (
            <div className="step-bar__buttons">{actions}</div>
          )}
        </div>
      )}

      {e.working && e.published && (
        <Card
          title={t('review.diffTitle', { from: e.published.version, to: e.working.version })}
          icon="eye"
          flush
          testId="review-card"
        >
          <DiffTable before={e.published} after={e.working} />
        </Card>
      )}
      {e.working && !e.published && (
        <p className="note-line" data-testid="review-new">
          <Icon name="info" size={15} />
          <span>
            <span className="strong">{t('review.diffTitleNew', { version: e.working.version })}</span> · {t('review.newEntryBody')}
          </span>
        </p>
      )}
      {e.working && e.published && (
        <div className="tabs tabs--plain" role="tablist" aria-label={t('review.versions')}>
          <button type="button" role="tab" aria-selected={viewing === 'working'} className={viewing === 'working' ? 'tab is-active' : 'tab'} onClick={() => setShow('working')} data-testid="show-working">
            {t('review.showWorking', { version: e.working.version })}
          </button>
          <button type="button" role="tab" aria-selected={viewing === 'published'} className={viewing === 'published' ? 'tab is-active' : 'tab'} onClick={() => setShow('published')} data-testid="show-published">
            {t('review.showPublished', { version: e.published.version })}
          </button>
        </div>
      )}
      <div data-testid="version-view" data-version={shownDoc?.version ?? ''}>
        {shownDoc ? <DocView kind={kind} doc={shownDoc} region={region} /> : <Empty title={t('console.noVersion')} />}
      </div>
      <Card title={t('history.title')} testId="history-card">
        <HistoryTimeline kind={kind} id={id} tick={tick} />
      </Card>
    </div>
  );
}
