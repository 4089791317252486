// 成员管理 / Membership: the hub operator's page (on the hub only). The operator signs in with their own
// account (user id and password, the role operator: RequireUser sends anyone else to sign in, or says
// the role is missing), sees every member and join request — those awaiting a decision first and
// marked — and opens one (/members/:code) for its keys, history and the decisions its state allows, as
// the hub names them: each one confirmed in place, with its reason (required where the hub requires
// one), and recorded under the operator's name. A decision reloads the member and the list.
import { useCallback, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api';
import { useRegionName } from '../../catalog/labels';
import { Icon } from '../../components/Icon';
import { Banner, Card, CardTable, DescList, Empty, ErrorPanel, Loading, ReasonForm, Tag, Time, TimelineItem } from '../../components/ui';
import { formatDateTime } from '../../format';
import { awaitsDecision, decideMember, fetchOperatorMember, fetchOperatorMembers, HUB_OPERATOR, isDestructive } from '../../hub/api';
import type { Decision, MemberEvent, MemberEventDetail, OperatorMember } from '../../hub/api';
import { useLang } from '../../i18n';
import { useNodeInfo } from '../../nodeInfo';
import { RequireUser, useSession } from '../../session';
import { useResource } from '../../useResource';
import type { ResourceState } from '../../useResource';
import { FEDERATION_POLL_MS, MembershipTag, PageHeader, useSuiteLabel } from '../shared';

function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError({ kind: 'network', message: String(err) });
}

export function HubMembersPage() {
  const { t } = useTranslation();
  const { data: info } = useNodeInfo();
  if (info?.role === 'node') {
    return (
      <div className="page" data-testid="page-hub-members">
        <Banner tone="info" title={t('hubMembers.hubOnlyTitle')} testId="hub-only">
          {t('hubMembers.hubOnlyBody')}
        </Banner>
      </div>
    );
  }
  return (
    <RequireUser roles={HUB_OPERATOR}>
      <OperatorConsole />
    </RequireUser>
  );
}

/** Those awaiting a decision first (join requests, then changes), then by region code. */
function byAttention(a: OperatorMember, b: OperatorMember): number {
  const rank = (m: OperatorMember) => (m.status === 'pending' ? 0 : m.pendingChange ? 1 : 2);
  return rank(a) - rank(b) || a.regionCode.localeCompare(b.regionCode);
}

function OperatorConsole() {
  const { t } = useTranslation();
  const { user } = useSession();
  const { code } = useParams();
  const list = useResource(fetchOperatorMembers, FEDERATION_POLL_MS);

  return (
    <div className="page" data-testid="page-hub-members" data-signed-in="true">
      <PageHeader title={t('hubMembers.title')} subtitle={t('hubMembers.subtitle')} updatedAt={list.updatedAt} busy={list.busy} onRefresh={list.reload} />
      {user && (
        <div className="operator-bar" data-testid="operator-bar" data-user={user.id}>
          <Icon name="user" size={16} className="operator-bar__icon" />
          <span className="operator-bar__text">
            <span className="strong" data-testid="operator-name">
              {t('hubMembers.actor.user', { name: user.name, department: user.department })}
            </span>
            <span className="muted small">{t('hubMembers.operatorNote')}</span>
          </span>
        </div>
      )}
      {code && <MemberDetail key={code} code={code} onDecided={list.reload} />}
      <MemberList list={list} selected={code} />
    </div>
  );
}

function MemberList({ list, selected }: { list: ResourceState<OperatorMember[]>; selected: string | undefined }) {
  const { t } = useTranslation();
  const regionName = useRegionName();
  const suiteLabel = useSuiteLabel();
  if (list.loading) {
    return (
      <Card title={t('hubMembers.listTitle')}>
        <Loading lines={4} />
      </Card>
    );
  }
  if (!list.data) return list.error ? <ErrorPanel title={t('hubMembers.listFailed')} error={list.error} onRetry={list.reload} /> : null;
  const members = [...list.data].sort(byAttention);
  const requests = members.filter((m) => m.status === 'pending').length;
  const changes = members.filter((m) => m.pendingChange).length;
  const col = {
    code: t('member.regionCode'),
    name: t('member.name'),
    endpoint: t('member.endpoint'),
    suite: t('hubMembers.col.suite'),
    status: t('hubMembers.col.status'),
    requestedAt: t('hubMembers.col.requestedAt'),
    decidedAt: t('hubMembers.col.decidedAt'),
  };
  return (
    <>
      {list.error && <ErrorPanel title={t('hubMembers.listFailed')} error={list.error} onRetry={list.reload} />}
      {requests + changes > 0 ? (
        <Banner tone="warn" title={t('hubMembers.attentionTitle', { requests, changes })} testId="attention" attrs={{ 'data-requests': String(requests), 'data-changes': String(changes) }}>
          {t('hubMembers.attentionBody')}
        </Banner>
      ) : (
        <Banner tone="ok" title={t('hubMembers.attentionNone')} testId="attention" attrs={{ 'data-requests': '0', 'data-changes': '0' }} />
      )}
      <Card title={t('hubMembers.listTitle')} flush testId="hub-members-card">
        {members.length === 0 ? (
          <Empty title={t('hubMembers.empty')} />
        ) : (
          <CardTable
            testId="hub-members-table"
            className="hub-members"
            columns={[
              { label: col.code, className: 'col-code' },
              { label: col.name, className: 'col-name' },
              { label: col.endpoint },
              { label: col.suite, className: 'col-suite' },
              { label: col.status, className: 'col-status' },
              { label: col.requestedAt, className: 'col-when' },
              { label: col.decidedAt, className: 'col-when' },
            ]}
          >
            {members.map((m) => {
              const change = m.pendingChange;
              return (
                <tr
                  key={m.regionCode}
                  className={[awaitsDecision(m) ? 'is-attention' : '', m.regionCode === selected ? 'is-selected' : ''].filter(Boolean).join(' ') || undefined}
                  data-testid={`hub-member-row-${m.regionCode}`}
                  data-status={m.status}
                  data-change={String(change !== null)}
                >
                  <td data-label={col.code} className="mono cell-code">
                    {m.regionCode}
                  </td>
                  <td data-label={col.name} className="cell-name">
                    <Link className="strong link" to={`/members/${m.regionCode}`} data-testid={`open-member-${m.regionCode}`} title={t('hubMembers.open')}>
                      {regionName(m.regionCode, m.name)}
                    </Link>
                    {change && change.name !== m.name && <span className="change-to">→ {change.name}</span>}
                  </td>
                  {/* the whole address, not cut: the operator judges it */}
                  <td data-label={col.endpoint} className="mono cell-endpoint break-all">
                    {m.endpoint}
                    {change && change.endpoint !== m.endpoint && <span className="change-to">→ {change.endpoint}</span>}
                  </td>
                  <td data-label={col.suite}>{suiteLabel(m.suite)}</td>
                  <td data-label={col.status}>
                    <span className="tags">
                      <MembershipTag status={m.status} />
                      {change && (
                        <Tag tone="warn" dot={false}>
                          {t('hubMembers.changeTag')}
                        </Tag>
                      )}
                    </span>
                  </td>
                  <td data-label={col.requestedAt}>
                    <Time value={m.requestedAt} />
                  </td>
                  <td data-label={col.decidedAt}>
                    <Time value={m.decidedAt} />
                  </td>
                </tr>
              );
            })}
          </CardTable>
        )}
      </Card>
    </>
  );
}

/** The buttons in the order an operator meets them: what answers a request first, ending a membership last. */
const BUTTON_ORDER: readonly Decision[] = ['approve', 'reject', 'approve-change', 'reject-change', 'reinstate', 'suspend', 'revoke'];
function byUrgency(a: { decision: Decision }, b: { decision: Decision }): number {
  return BUTTON_ORDER.indexOf(a.decision) - BUTTON_ORDER.indexOf(b.decision);
}

const KNOWN_ACTIONS = ['requested', 'updated', 'approved', 'rejected', 'suspended', 'reinstated', 'revoked', 'change-requested', 'change-withdrawn', 'change-approved', 'change-rejected', 'key-rotated'] as const;
type KnownAction = (typeof KNOWN_ACTIONS)[number];

/** Who did it, in words: a hub operator by name, a node by its key, the token, the command line. */
function useActorText(): (e: Pick<MemberEvent, 'actor' | 'actorName' | 'actorDepartment'> | null) => string {
  const { t } = useTranslation();
  return (e) => {
    if (!e) return '—';
    const { actor } = e;
    if (actor.startsWith('user:')) {
      return e.actorName ? t('hubMembers.actor.user', { name: e.actorName, department: e.actorDepartment ?? '' }) : t('hubMembers.actor.userUnknown', { id: actor.slice(5) });
    }
    if (actor === 'operator-token') return t('hubMembers.actor.token');
    if (actor === 'operator-api') return t('hubMembers.actor.api');
    if (actor.startsWith('node:')) return t('hubMembers.actor.node', { keyId: actor.slice(5) });
    if (actor.startsWith('cli:')) return t('hubMembers.actor.cli', { user: actor.slice(4) });
    return actor;
  };
}

/** An event's facts in the page's language (an operator's reason as typed); an older event's text as recorded. */
function useDetailText(): (e: MemberEvent) => ReactNode {
  const { t } = useTranslation();
  const lines = (d: MemberEventDetail): string[] => {
    switch (d.kind) {
      case 'reason':
        return [t('hubMembers.detail.reason', { reason: d.reason })];
      case 'change':
        return [
          ...(d.endpoint ? [t('hubMembers.detail.endpoint', { from: d.endpoint.from, to: d.endpoint.to })] : []),
          ...(d.name ? [t('hubMembers.detail.name', { from: d.name.from, to: d.name.to })] : []),
          ...(d.reason ? [t('hubMembers.detail.reason', { reason: d.reason })] : []),
        ];
      case 'after-rejection':
        return [t('hubMembers.detail.afterRejection')];
      case 'key-rotation':
        return [t('hubMembers.detail.keyRotation', { oldKeyId: d.oldKeyId, newKeyId: d.newKeyId })];
      default:
        return [];
    }
  };
  return (e) => {
    if (!e.data) return e.detail;
    const text = lines(e.data);
    if (text.length === 0) return e.detail;
    return (
      <span className="break-all" data-testid="history-detail" data-kind={e.data.kind}>
        {text.map((line, i) => (
          <span key={i} className="timeline__line">
            {line}
          </span>
        ))}
      </span>
    );
  };
}

function History({ events }: { events: MemberEvent[] }) {
  const { t } = useTranslation();
  const actorText = useActorText();
  const detailText = useDetailText();
  if (events.length === 0) return <p className="muted">{t('hubMembers.historyEmpty')}</p>;
  return (
    <ol className="timeline" data-testid="member-history">
      {[...events].reverse().map((e, i) => (
        <TimelineItem
          key={i}
          kind={e.action}
          title={KNOWN_ACTIONS.includes(e.action as KnownAction) ? t(`hubMembers.action.${e.action as KnownAction}`) : e.action}
          at={e.at}
          actor={actorText(e)}
          note={detailText(e)}
          attrs={{ 'data-actor': e.actor }}
        />
      ))}
    </ol>
  );
}

/** Who took the member's last decision, named as in its history (the decision and its event are written together). */
function deciderOf(m: OperatorMember, history: MemberEvent[]): Pick<MemberEvent, 'actor' | 'actorName' | 'actorDepartment'> | null {
  if (!m.decidedBy) return null;
  return [...history].reverse().find((e) => e.actor === m.decidedBy) ?? { actor: m.decidedBy, actorName: null, actorDepartment: null };
}

function MemberDetail({ code, onDecided }: { code: string; onDecided: () => void }) {
  const { t } = useTranslation();
  const lang = useLang();
  const regionName = useRegionName();
  const suiteLabel = useSuiteLabel();
  const actorText = useActorText();
  const load = useCallback((signal: AbortSignal) => fetchOperatorMember(code, signal), [code]);
  const res = useResource(load);
  const [asking, setAsking] = useState<Decision | null>(null);
  const [busy, setBusy] = useState(false);
  // the decision taken, and the member as it answered, until the reload that follows has come back
  const [done, setDone] = useState<{ decision: Decision; member: OperatorMember; at: number } | null>(null);
  const [failed, setFailed] = useState<ApiError | null>(null);

  const decide = async (decision: Decision, reason: string) => {
    setBusy(true);
    setFailed(null);
    setDone(null);
    try {
      const member = await decideMember(code, decision, reason || undefined);
      setDone({ decision, member, at: Date.now() });
      setAsking(null);
    } catch (err) {
      // a 401 (the session ended) sends the operator to sign in again (session.tsx)
      const e = asApiError(err);
      setFailed(e);
      // the state changed under the operator: what is offered now comes with the reload
      if (e.status === 409) setAsking(null);
    } finally {
      setBusy(false);
    }
    res.reload();
    onDecided();
  };

  const back = (
    <Link to="/members" className="back-link" data-testid="back-to-members">
      <Icon name="arrowLeft" size={14} /> {t('hubMembers.back')}
    </Link>
  );
  if (res.loading) {
    return (
      <Card title={back}>
        <Loading lines={5} />
      </Card>
    );
  }
  if (!res.data) {
    return (
      <div className="entry-head" data-testid="member-detail" data-code={code} data-found="false">
        {back}
        {res.error && <ErrorPanel title={res.error.status === 404 ? t('hubMembers.notFound', { code }) : t('hubMembers.loadFailed')} error={res.error} onRetry={res.reload} />}
      </div>
    );
  }
  const m = done && (!res.updatedAt || res.updatedAt.getTime() < done.at) ? done.member : res.data.member;
  const name = regionName(m.regionCode, m.name);
  const change = m.pendingChange;
  const offered = m.decisions.find((d) => d.decision === asking);

  const details: Array<{ key: string; label: ReactNode; value: ReactNode }> = [
    { key: 'code', label: t('member.regionCode'), value: <span className="mono">{m.regionCode}</span> },
    { key: 'name', label: t('hubMembers.declaredName'), value: m.name },
    { key: 'endpoint', label: t('member.endpoint'), value: <span className="mono break-all">{m.endpoint}</span> },
    { key: 'suite', label: t('hubMembers.col.suite'), value: suiteLabel(m.suite) },
    { key: 'status', label: t('hubMembers.col.status'), value: <MembershipTag status={m.status} /> },
    { key: 'requestedAt', label: t('hubMembers.col.requestedAt'), value: <Time value={m.requestedAt} /> },
    { key: 'decidedAt', label: t('hubMembers.col.decidedAt'), value: <Time value={m.decidedAt} /> },
    { key: 'decidedBy', label: t('hubMembers.decidedBy'), value: actorText(deciderOf(m, res.data.history)) },
    ...(m.reason ? [{ key: 'reason', label: t('hubMembers.lastReason'), value: <span className="break-all">{m.reason}</span> }] : []),
  ];

  return (
    <div className="member-detail" data-testid="member-detail" data-code={m.regionCode} data-status={m.status} data-found="true">
      <div className="entry-head">
        {back}
        <div className="entry-head__meta">
          <code className="strong">{m.regionCode}</code>
          <span data-testid="member-status">
            <MembershipTag status={m.status} />
          </span>
          {change && (
            <Tag tone="warn" dot={false}>
              {t('hubMembers.changeTag')}
            </Tag>
          )}
        </div>
        <h2 className="entry-head__title" data-testid="member-title">
          {name}
        </h2>
      </div>

      {done && (
        <Banner tone="ok" title={t(`hubMembers.done.${done.decision}`, { name, code: m.regionCode })} testId="decision-done" attrs={{ 'data-decision': done.decision }}>
          {t('hubMembers.doneBody')}
        </Banner>
      )}
      {failed && (
        <div data-testid="decision-error" data-code={failed.code ?? ''} data-status={String(failed.status ?? '')}>
          <ErrorPanel title={t('hubMembers.failedTitle')} error={failed} />
          {failed.status === 409 && <p className="muted small form-error__detail">{t('hubMembers.conflictHint')}</p>}
        </div>
      )}
      {m.status === 'pending' && (
        <Banner tone="warn" title={t('hubMembers.pendingTitle')} testId="pending-request">
          {t('hubMembers.pendingBody')}
        </Banner>
      )}
      {change && (
        <Banner tone="warn" title={t('hubMembers.changeTitle')} testId="pending-change">
          <p>{t('hubMembers.changeBody', { since: formatDateTime(change.since, lang) })}</p>
          <table className="change-table">
            <thead>
              <tr>
                <th />
                <th scope="col">{t('hubMembers.changeNow')}</th>
                <th scope="col">{t('hubMembers.changeAsked')}</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">{t('hubMembers.changeEndpoint')}</th>
                <td className="mono break-all">{m.endpoint}</td>
                <td className="mono break-all" data-testid="change-endpoint">
                  {change.endpoint === m.endpoint ? <span className="muted">{t('hubMembers.unchanged')}</span> : <ins>{change.endpoint}</ins>}
                </td>
              </tr>
              <tr>
                <th scope="row">{t('hubMembers.changeName')}</th>
                <td>{m.name}</td>
                <td data-testid="change-name">{change.name === m.name ? <span className="muted">{t('hubMembers.unchanged')}</span> : <ins>{change.name}</ins>}</td>
              </tr>
            </tbody>
          </table>
        </Banner>
      )}

      <div className="step-bar card" data-testid="decisions" data-offered={m.decisions.map((d) => d.decision).join(' ')}>
        <div className="step-bar__title">{asking ? `${t('hubMembers.decisionsTitle')} · ${t(`hubMembers.decision.${asking}`)}` : t('hubMembers.decisionsTitle')}</div>
        {asking && offered ? (
          <ReasonForm
            key={asking}
            testId={`confirm-${asking}`}
            label={t('hubMembers.reason')}
            optional={!offered.reasonRequired}
            maxLength={500}
            confirm={t(`hubMembers.confirm.${asking}`)}
            danger={isDestructive(asking)}
            busy={busy}
            onCancel={() => setAsking(null)}
            onSubmit={(reason) => void decide(asking, reason)}
          >
            <p className={isDestructive(asking) ? 'reason-form__note reason-form__note--danger' : 'reason-form__note'} data-testid="decision-consequence">
              <Icon name={isDestructive(asking) ? 'alert' : 'info'} size={15} />
              <span>{t(`hubMembers.consequence.${asking}`)}</span>
            </p>
          </ReasonForm>
        ) : m.decisions.length === 0 ? (
          <p className="muted small" data-testid="no-decisions">
            {t('hubMembers.noDecisions')}
          </p>
        ) : (
          <div className="step-bar__buttons">
            {[...m.decisions].sort(byUrgency).map(({ decision }) => (
              <button
                type="button"
                key={decision}
                className={isDestructive(decision) ? 'btn btn--danger-outline' : 'btn btn--primary'}
                disabled={busy}
                onClick={() => {
                  setFailed(null);
                  setDone(null);
                  setAsking(decision);
                }}
                data-testid={`decide-${decision}`}
              >
                {!isDestructive(decision) && <Icon name="check" size={15} />}
                {t(`hubMembers.decision.${decision}`)}
              </button>
            ))}
          </div>
        )}
      </div>

      <div className="columns">
        <div className="columns__col">
          <Card title={t('hubMembers.detailsTitle')} testId="member-details">
            <DescList items={details} />
          </Card>
          <Card title={t('hubMembers.keysTitle')} flush testId="member-keys">
            <ul className="key-list">
              {m.keys.map((k) => (
                <li key={k.keyId} className="key-list__item" data-testid={`member-key-${k.status}`}>
                  <code className="mono break-all">{k.keyId}</code>
                  <span className="key-list__meta">
                    <Tag tone={k.status === 'active' ? 'ok' : 'neutral'}>{k.status === 'active' || k.status === 'retired' ? t(`hubMembers.keyStatus.${k.status}`) : k.status}</Tag>
                    <span className="muted small">
                      {suiteLabel(k.suite)} · {t('hubMembers.keyAdded')} <Time value={k.addedAt} />
                    </span>
                  </span>
                </li>
              ))}
            </ul>
          </Card>
        </div>
        <div className="columns__col">
          <Card title={t('hubMembers.historyTitle')} testId="member-history-card">
            <History events={res.data.history} />
          </Card>
        </div>
      </div>
    </div>
  );
}
