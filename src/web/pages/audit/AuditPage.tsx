// 审计与存证 / Audit anchoring: for the node's data administrators and auditors, whether the hub has
// countersigned (anchored) this node's audit log (GET /api/audit/status). Green when every checkpoint
// is anchored; yellow while some wait (the hub unreachable: retried); red when the hub refused one
// because the log went back below what it anchored (a restore from an older backup) — then, for
// administrators, the restore declaration (POST /api/admin/audit/restore) with its reason and
// consequence; red too when the hub refused one for another reason (E_FORBIDDEN: the membership is not
// approved; …), with what to do. The region's declarations as the hub lists them, for both roles.
// Refreshes every 15 s.
import { useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ParseKeys } from 'i18next';
import { ApiError } from '../../api';
import { declareRestore, fetchAuditStatus } from '../../audit/api';
import type { AnchoringState, AnchoringStatus, RestoreDeclared, RestoreProblem, RestoreView } from '../../audit/api';
import { Icon } from '../../components/Icon';
import { Banner, Card, CardTable, DescList, Empty, ErrorPanel, Loading, ReasonForm, RefreshFailed, Tag, Tile, Time } from '../../components/ui';
import { formatDateTime } from '../../format';
import { useLang } from '../../i18n';
import { useSession } from '../../session';
import { useResource } from '../../useResource';
import { PageHeader } from '../shared';

export const AUDIT_POLL_MS = 15_000;
const MAX_REASON = 500;

const STATE_TONE: Record<AnchoringState, 'ok' | 'warn' | 'error'> = { anchored: 'ok', pending: 'warn', held: 'error', refused: 'error' };

/** For a refusal other than E_CONFLICT (state refused): what it means and what to do, by the hub's code. */
const REFUSED: Partial<Record<string, { body: ParseKeys; todo: ParseKeys }>> = {
  E_FORBIDDEN: { body: 'audit.refusedForbidden', todo: 'audit.refusedForbiddenTodo' },
  E_NOT_TRUSTED: { body: 'audit.refusedNotTrusted', todo: 'audit.refusedNotTrustedTodo' },
  E_CLOCK_SKEW: { body: 'audit.refusedClockSkew', todo: 'audit.refusedClockSkewTodo' },
};

/** Why a restore declaration does not verify: the first check it fails (verify.ts readRestore). */
const PROBLEM: Record<RestoreProblem['check'], ParseKeys> = {
  shape: 'audit.problemShape',
  region: 'audit.problemRegion',
  declaration: 'audit.problemDeclaration',
  'hub-keys': 'audit.problemHubKeys',
  receipt: 'audit.problemReceipt',
};

/** "第 12 条" / "第 12–40 条" (seq 12 / seq 12–40). */
function useRange(): (from: number, to: number) => string {
  const { t } = useTranslation();
  return (from, to) => (from === to ? t('audit.rangeOne', { seq: from }) : t('audit.range', { from, to }));
}

function StateBanner({ s, isAdmin }: { s: AnchoringStatus; isAdmin: boolean }) {
  const { t } = useTranslation();
  const lang = useLang();
  const range = useRange();
  const when = (v: string | null | undefined) => (v ? formatDateTime(v, lang) : '—');
  const attrs = { 'data-state': s.state };
  if (s.state === 'anchored') {
    return (
      <Banner tone="ok" testId="audit-state" attrs={attrs} title={t('audit.anchoredTitle')}>
        {s.checkpoints.total === 0
          ? t('audit.anchoredNone', { entries: s.policy.everyEntries, seconds: s.policy.everySeconds })
          : t('audit.anchoredBody', { total: s.checkpoints.total, time: when(s.lastAnchored?.anchoredAt), entries: s.policy.everyEntries, seconds: s.policy.everySeconds })}
      </Banner>
    );
  }
  const p = s.oldestPending!;
  if (s.state === 'pending') {
    const body =
      p.errorCode === 'E_HUB_UNAVAILABLE'
        ? t('audit.pendingUnreachable', { time: when(p.lastAttemptAt) })
        : p.lastAttemptAt
          ? t('audit.pendingRetried', { time: when(p.lastAttemptAt) })
          : t('audit.pendingNotSent', { seconds: s.policy.everySeconds });
    return (
      <Banner tone="warn" testId="audit-state" attrs={{ ...attrs, 'data-code': p.errorCode ?? '' }} title={t('audit.pendingTitle', { count: s.checkpoints.pending })}>
        <p>{body}</p>
        <p>{t('audit.pendingSafe')}</p>
      </Banner>
    );
  }
  if (s.state === 'refused') {
    const known = REFUSED[p.errorCode ?? ''];
    return (
      <Banner tone="error" testId="audit-state" attrs={{ ...attrs, 'data-code': p.errorCode ?? '' }} title={t('audit.refusedTitle')}>
        <p>{known ? t(known.body) : t('audit.refusedOther', { code: p.errorCode })}</p>
        <p>{t('audit.refusedGoesOn', { count: s.checkpoints.pending })}</p>
        <p data-testid="refused-todo">
          <span className="strong">{t('audit.whatToDo')}</span> {known ? t(known.todo) : t('audit.refusedOtherTodo')}
        </p>
      </Banner>
    );
  }
  const d = s.divergence;
  return (
    <Banner tone="error" testId="audit-state" attrs={{ ...attrs, 'data-code': p.errorCode ?? '' }} title={t('audit.heldTitle')}>
      <p>{d && d.lost > 0 ? t('audit.heldBody', { hubHighest: d.hubHighest, range: range(d.keepThrough + 1, d.hubHighest) }) : t('audit.heldBodyGeneric')}</p>
      <p>{t('audit.heldGoesOn', { count: s.checkpoints.pending })}</p>
      <p className="strong">{t('audit.heldWhatToDo')}</p>
      <ol className="audit-steps" data-testid="held-steps">
        <li>{t('audit.heldStepReport')}</li>
        <li>{t('audit.heldStepCheck')}</li>
        <li>{isAdmin ? t('audit.heldStepDeclareAdmin') : t('audit.heldStepDeclareOther')}</li>
      </ol>
    </Banner>
  );
}

function Tiles({ s }: { s: AnchoringStatus }) {
  const { t } = useTranslation();
  const lang = useLang();
  const c = s.checkpoints;
  const pendingSub: Record<AnchoringState, string> = {
    anchored: t('audit.tilePendingNone'),
    pending: t('audit.tilePendingRetry'),
    held: t('audit.tilePendingHeld'),
    refused: t('audit.tilePendingRefused'),
  };
  return (
    <div className="tiles" data-testid="audit-tiles">
      <Tile testId="tile-entries" label={t('audit.tileEntries')} tone="info" value={s.head.seq.toLocaleString(lang)} sub={s.head.at ? <>{t('audit.tileEntriesLast')} <Time value={s.head.at} relative /></> : undefined} />
      <Tile
        testId="tile-anchored"
        label={t('audit.tileAnchored')}
        tone={c.total > 0 && c.pending === 0 ? 'ok' : 'neutral'}
        value={t('audit.ofTotal', { n: c.anchored.toLocaleString(lang), total: c.total.toLocaleString(lang) })}
        sub={t('audit.tileAnchoredSub', { entries: s.policy.everyEntries, seconds: s.policy.everySeconds })}
      />
      <Tile testId="tile-pending" label={t('audit.tilePending')} tone={c.pending === 0 ? 'neutral' : STATE_TONE[s.state]} value={c.pending.toLocaleString(lang)} sub={pendingSub[s.state]} />
      <Tile
        testId="tile-last-anchored"
        label={t('audit.tileLastAnchored')}
        tone={s.state === 'anchored' && s.lastAnchored ? 'ok' : 'neutral'}
        value={s.lastAnchored?.anchoredAt ? <Time value={s.lastAnchored.anchoredAt} relative /> : '—'}
        sub={s.lastAnchored ? t('audit.rangeOne', { seq: s.lastAnchored.seq }) : t('audit.tileLastAnchoredNone')}
      />
    </div>
  );
}

function Details({ s }: { s: AnchoringStatus }) {
  const { t } = useTranslation();
  const p = s.oldestPending;
  const items: Array<{ key: string; label: ReactNode; value: ReactNode }> = [
    {
      key: 'last',
      label: t('audit.lastAnchored'),
      value: s.lastAnchored ? (
        <>
          {t('audit.rangeOne', { seq: s.lastAnchored.seq })} · <Time value={s.lastAnchored.anchoredAt} />
        </>
      ) : (
        <span className="muted">{t('audit.tileLastAnchoredNone')}</span>
      ),
    },
    {
      key: 'pending',
      label: t('audit.oldestPending'),
      value: p ? (
        <>
          {t('audit.rangeOne', { seq: p.seq })} · {t('audit.signedAt')} <Time value={p.createdAt} />
        </>
      ) : (
        <span className="muted">{t('audit.tilePendingNone')}</span>
      ),
    },
  ];
  if (p) {
    items.push({ key: 'attempt', label: t('audit.lastAttempt'), value: p.lastAttemptAt ? <Time value={p.lastAttemptAt} /> : <span className="muted">{t('audit.notSentYet')}</span> });
    if (p.lastError) {
      items.push({
        key: 'error',
        label: t('audit.lastError'),
        value: (
          <span className="break" data-testid="audit-last-error">
            {p.errorCode && <code className="error-code">{p.errorCode}</code>} {p.lastError}
          </span>
        ),
      });
    }
  }
  items.push({ key: 'next', label: t('audit.nextCheckpoint'), value: t('audit.nextCheckpointValue', { count: s.sinceCheckpoint, entries: s.policy.everyEntries, seconds: s.policy.everySeconds }) });
  return (
    <Card title={t('audit.detailsTitle')} testId="audit-details">
      <DescList items={items} />
      <p className="hint">
        {t('audit.verifyHint')} <code>tongban audit verify -c node.yaml</code>
      </p>
    </Card>
  );
}

function DeclareRestore({ s, onDeclared }: { s: AnchoringStatus; onDeclared: (r: RestoreDeclared) => void }) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<ApiError | null>(null);
  const d = s.divergence;
  const submit = async (reason: string) => {
    setBusy(true);
    setFailed(null);
    try {
      const r = await declareRestore(reason);
      setAsking(false);
      onDeclared(r);
    } catch (err) {
      setFailed(err instanceof ApiError ? err : new ApiError({ kind: 'network', message: String(err) }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="step-bar card" data-testid="declare-restore">
      <div className="step-bar__title">{t('audit.declareTitle')}</div>
      {failed && (
        <div data-testid="declare-error" data-code={failed.code ?? ''} data-status={String(failed.status ?? '')}>
          <ErrorPanel title={t('audit.declareFailed')} error={failed} />
        </div>
      )}
      {asking ? (
        <ReasonForm
          testId="confirm-restore"
          label={t('audit.declareReason')}
          maxLength={MAX_REASON}
          confirm={t('audit.declareConfirm')}
          busy={busy}
          onCancel={() => setAsking(false)}
          onSubmit={(reason) => void submit(reason)}
        >
          <p className="reason-form__note reason-form__note--danger" data-testid="restore-consequence">
            <Icon name="alert" size={15} />
            <span>
              <span className="block">{d && d.lost > 0 ? t('audit.consequence', { count: d.lost, keep: d.keepThrough }) : t('audit.consequenceGeneric')}</span>
              <span className="block">{t('audit.consequenceLogs')}</span>
            </span>
          </p>
          <p className="hint">{t('audit.declareReasonHint')}</p>
        </ReasonForm>
      ) : (
        <div className="step-bar__buttons">
          <button
            type="button"
            className="btn btn--danger-outline"
            onClick={() => {
              setFailed(null);
              setAsking(true);
            }}
            data-testid="declare-open"
          >
            {t('audit.declareOpen')}
          </button>
          <span className="muted small">{t('audit.declareOpenHint')}</span>
        </div>
      )}
    </div>
  );
}

/** Who declared a restore, from this node's log: the staff member's name and department. */
function Declarer({ by }: { by: RestoreView['declaredBy'] }) {
  const { t } = useTranslation();
  if (!by) return <span className="muted">{t('audit.declarerNotRecorded')}</span>;
  return (
    <>
      <span className="strong">{by.name ?? t('audit.declarerNoAccount', { id: by.id })}</span>
      {by.department && <span className="block muted small">{by.department}</span>}
    </>
  );
}

function Restores({ s }: { s: AnchoringStatus }) {
  const { t } = useTranslation();
  const range = useRange();
  const col = { declaredAt: t('audit.colDeclaredAt'), declaredBy: t('audit.colDeclaredBy'), lost: t('audit.colLost'), reason: t('audit.colReason'), verified: t('audit.colVerified') };
  let body: ReactNode;
  if (s.restores === null) {
    body = (
      <p className="pad hint hint--warn" data-testid="restores-unavailable">
        {t('audit.restoresUnavailable', { error: s.hubError ?? '' })}
      </p>
    );
  } else if (s.restores.length === 0) {
    body = <Empty title={t('audit.restoresNone')}>{t('audit.restoresNoneHint')}</Empty>;
  } else {
    body = (
      <CardTable
        testId="restores-table"
        className="restores-table"
        columns={[{ label: col.declaredAt, className: 'col-when' }, { label: col.declaredBy, className: 'col-declarer' }, { label: col.lost }, { label: col.reason }, { label: col.verified, className: 'col-verify' }]}
      >
        {[...s.restores].reverse().map((r: RestoreView) => (
          <tr key={`${r.declarationDigest}-${r.supersededFrom}`} data-testid="restore-row" data-keep-through={r.keepThrough} data-superseded={r.superseded} data-verified={String(r.verified)}>
            <td data-label={col.declaredAt}>
              <Time value={r.declaredAt} />
              <span className="block muted small">
                {t('audit.recordedAt')} <Time value={r.recordedAt} />
              </span>
            </td>
            <td data-label={col.declaredBy} data-testid="restore-declarer">
              <Declarer by={r.declaredBy} />
            </td>
            <td data-label={col.lost}>
              <span className="strong" data-testid="restore-range">
                {range(r.supersededFrom, r.supersededThrough)}
              </span>
              <span className="block muted small">{t('audit.restoreSetAside', { count: r.superseded, keep: r.keepThrough })}</span>
            </td>
            <td data-label={col.reason} className="break" data-testid="restore-reason">
              {r.reason}
            </td>
            <td data-label={col.verified} data-testid="restore-verified">
              {r.verified ? (
                <>
                  <Tag tone="ok">{t('audit.verified')}</Tag>
                  <span className="block muted small">{t('audit.verifiedHint')}</span>
                </>
              ) : (
                <>
                  <Tag tone="error">{t('audit.notVerified')}</Tag>
                  {r.problem && (
                    <span className="block small" data-testid="restore-problem" data-check={r.problem.check}>
                      {t(PROBLEM[r.problem.check])}
                      <span className="block muted break">{r.problem.reason}</span>
                    </span>
                  )}
                </>
              )}
            </td>
          </tr>
        ))}
      </CardTable>
    );
  }
  return (
    <Card title={t('audit.restoresTitle')} flush testId="audit-restores" actions={<span className="muted small">{t('audit.restoresSource')}</span>}>
      {body}
    </Card>
  );
}

export function AuditPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const isAdmin = user?.roles.includes('admin') ?? false;
  const res = useResource(fetchAuditStatus, AUDIT_POLL_MS);
  const [declared, setDeclared] = useState<RestoreDeclared | null>(null);
  const s = res.data;

  let body: ReactNode;
  if (res.loading) {
    body = (
      <Card title={t('audit.title')}>
        <Loading lines={4} />
      </Card>
    );
  } else if (!s) {
    body = res.error && <ErrorPanel title={t('audit.loadFailed')} error={res.error} onRetry={res.reload} />;
  } else {
    body = (
      <>
        <RefreshFailed error={res.error} updatedAt={res.updatedAt} />
        {declared && (
          <Banner tone="ok" testId="restore-declared" title={t('audit.declaredTitle', { keep: declared.keepThrough, count: declared.superseded })}>
            {declared.anchoring.pending === 0 ? t('audit.declaredResumed', { count: declared.anchoring.anchored }) : t('audit.declaredStillPending', { count: declared.anchoring.pending })}
          </Banner>
        )}
        <StateBanner s={s} isAdmin={isAdmin} />
        {s.held && isAdmin && (
          <DeclareRestore
            s={s}
            onDeclared={(r) => {
              setDeclared(r);
              res.reload();
            }}
          />
        )}
        <Tiles s={s} />
        <Details s={s} />
        <Restores s={s} />
      </>
    );
  }

  return (
    <div className="page" data-testid="page-audit" data-state={s?.state ?? ''}>
      <PageHeader title={t('audit.title')} subtitle={t('audit.subtitle', { seconds: AUDIT_POLL_MS / 1000 })} updatedAt={res.updatedAt} busy={res.busy} onRefresh={res.reload} />
      {body}
    </div>
  );
}
