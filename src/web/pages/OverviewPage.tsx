// 概览 / Overview: who this node is, whether it is ready, its standing with the hub, and the
// trust list it is working from (live from the hub, or a local cache while the hub is down).
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { fetchMembers, fetchReadiness } from '../api';
import type { MemberListSource, MembersResponse, MembershipStatus, NodeInfo, Readiness } from '../api';
import { useRegionName } from '../catalog/labels';
import { Card, DescList, Empty, ErrorPanel, Loading, Tag, Tile, Time, useErrorText } from '../components/ui';
import type { Tone } from '../components/ui';
import { formatDateTime, formatRelative } from '../format';
import { useLang } from '../i18n';
import { useNodeInfo } from '../nodeInfo';
import { useResource } from '../useResource';
import type { ResourceState } from '../useResource';
import {
  ApproveHint,
  countOnline,
  FEDERATION_POLL_MS,
  MembershipTag,
  PageHeader,
  SourceTag,
  sourceState,
  useSourceName,
  useSuiteLabel,
} from './shared';

// ---- readiness checks: the server's `checks` object is free-form; read it leniently ----

interface CheckView {
  name: string;
  ok: boolean | null;
  detail: string | null;
}

const OK_WORDS = /^(ok|up|ready|pass|passed|healthy|true|yes|connected|valid)$/i;
const BAD_WORDS = /\b(fail\w*|down|errors?|not|unreachable|invalid|expired|missing|false|no|timeout|timed out|refused)\b/i;

function readCheck(name: string, value: unknown): CheckView {
  if (typeof value === 'boolean') return { name, ok: value, detail: null };
  if (typeof value === 'string') {
    if (OK_WORDS.test(value)) return { name, ok: true, detail: null };
    return { name, ok: BAD_WORDS.test(value) ? false : null, detail: value };
  }
  if (typeof value === 'object' && value !== null) {
    const v = value as Record<string, unknown>;
    let ok: boolean | null = null;
    if (typeof v.ok === 'boolean') ok = v.ok;
    else if (typeof v.status === 'string') ok = OK_WORDS.test(v.status) ? true : BAD_WORDS.test(v.status) ? false : null;
    const d = v.detail ?? v.message ?? v.error ?? (ok === null && typeof v.status === 'string' ? v.status : undefined);
    return { name, ok, detail: d === undefined || d === null ? null : typeof d === 'string' ? d : JSON.stringify(d) };
  }
  return { name, ok: null, detail: value === null || value === undefined ? null : String(value) };
}

const MEMBERSHIP: readonly MembershipStatus[] = ['approved', 'pending', 'rejected', 'unknown'];
const LIST_SOURCES: readonly MemberListSource[] = ['hub', 'cache', 'self'];

/**
 * A check's detail in the UI language when it is one the server is known to send (src/server/start.ts:
 * the membership status; the trust list's "version 3 (hub)", "expired at …", "no member list yet");
 * anything else as the server wrote it.
 */
function useCheckDetail(): (name: string, detail: string) => string {
  const { t } = useTranslation();
  const lang = useLang();
  const sourceName = useSourceName();
  const membership: Record<MembershipStatus, string> = {
    approved: t('membership.approved'),
    pending: t('membership.pending'),
    rejected: t('membership.rejected'),
    unknown: t('membership.unknown'),
  };
  return (name, detail) => {
    if (name === 'membership') {
      const status = MEMBERSHIP.find((m) => m === detail);
      return status ? membership[status] : detail;
    }
    if (name === 'trustList') {
      const version = /^version (\d+)(?: \((\w+)\))?$/.exec(detail);
      if (version) {
        const source = LIST_SOURCES.find((x) => x === version[2]);
        return [t('trustList.versionValue', { version: version[1] }), source && sourceName(source)].filter(Boolean).join(' · ');
      }
      const expired = /^expired at (.+)$/.exec(detail);
      if (expired) return t('trustList.expiredAt', { time: formatDateTime(expired[1]!, lang) });
      if (detail === 'no member list yet') return t('trustList.none');
    }
    return detail;
  };
}

function ReadinessCard({ res }: { res: ResourceState<Readiness> }) {
  const { t } = useTranslation();
  const checkDetail = useCheckDetail();
  const names = t('readiness.checkNames', { returnObjects: true }) as Record<string, string>;
  const r = res.data;
  return (
    <Card
      title={t('readiness.title')}
      testId="readiness-card"
      actions={r && <Tag tone={r.status === 'ready' ? 'ok' : 'error'}>{r.status === 'ready' ? t('readiness.ready') : t('readiness.notReady')}</Tag>}
      flush
    >
      {res.loading ? (
        <div className="pad">
          <Loading />
        </div>
      ) : !r ? (
        res.error && (
          <div className="pad">
            <ErrorPanel title={t('readiness.loadFailed')} error={res.error} onRetry={res.reload} />
          </div>
        )
      ) : Object.keys(r.checks).length === 0 ? (
        <Empty title={t('readiness.noChecks')} />
      ) : (
        <ul className="checks">
          {Object.entries(r.checks)
            .map(([name, v]) => readCheck(name, v))
            .map((c) => (
              <li className="checks__row" key={c.name} data-testid={`check-${c.name}`}>
                <span className="checks__name">
                  {names[c.name] ?? c.name}
                  {names[c.name] && <code className="checks__key">{c.name}</code>}
                </span>
                <span className="checks__detail" title={c.detail === null ? undefined : checkDetail(c.name, c.detail)} data-testid={`check-detail-${c.name}`}>
                  {c.detail === null ? null : checkDetail(c.name, c.detail)}
                </span>
                {c.ok === true ? (
                  <Tag tone="ok">{t('readiness.checkOk')}</Tag>
                ) : c.ok === false ? (
                  <Tag tone="error">{t('readiness.checkFailed')}</Tag>
                ) : (
                  <Tag tone="neutral">{t('readiness.checkUnknown')}</Tag>
                )}
              </li>
            ))}
        </ul>
      )}
    </Card>
  );
}

function IdentityCard({ info }: { info: NodeInfo }) {
  const { t } = useTranslation();
  const regionName = useRegionName();
  const suiteLabel = useSuiteLabel();
  const items = [
    { key: 'role', label: t('identity.role'), value: info.role === 'hub' ? t('role.hubLong') : t('role.nodeLong') },
    { key: 'code', label: t('identity.regionCode'), value: <span className="mono">{info.regionCode}</span> },
    { key: 'name', label: t('identity.regionName'), value: info.role === 'hub' ? t('identity.hub') : regionName(info.regionCode, info.regionName) || '—' },
    {
      key: 'suite',
      label: t('identity.suite'),
      value: <span title={info.suite}>{suiteLabel(info.suite)}</span>,
    },
    { key: 'keyId', label: t('identity.keyId'), value: <span className="mono break">{info.keyId}</span> },
    { key: 'version', label: t('identity.version'), value: <span className="mono">{info.version}</span> },
  ];
  if (info.role === 'node') {
    items.push({
      key: 'hub',
      label: t('identity.hubUrl'),
      value: info.hubUrl ? <span className="mono break">{info.hubUrl}</span> : <span className="muted">{t('identity.hubUrlNone')}</span>,
    });
  }
  return (
    <Card title={info.role === 'hub' ? t('identity.titleHub') : t('identity.title')} testId="identity-card">
      <DescList items={items} />
    </Card>
  );
}

function MembershipCard({ info }: { info: NodeInfo }) {
  const { t } = useTranslation();
  const status = info.membership?.status ?? 'unknown';
  const explain: Record<string, string> = {
    approved: t('membership.explainApproved'),
    pending: t('membership.explainPending'),
    rejected: t('membership.explainRejected'),
    unknown: t('membership.explainUnknown'),
  };
  return (
    <Card title={t('membership.title')} testId="membership-card" actions={<MembershipTag status={status} />}>
      <p className="prose">{explain[status] ?? explain.unknown}</p>
      {info.membership?.detail && (
        <div className="note">
          <span className="note__label">{t('membership.detail')}</span>
          {info.membership.detail}
        </div>
      )}
      {info.membership?.changePending && (
        <div className="note" data-testid="membership-change-pending">
          <span className="note__label">{t('membership.changePendingLabel')}</span>
          {t('membership.changePending', { url: info.publicUrl })}
        </div>
      )}
    </Card>
  );
}

function JoinRequestsCard({ res }: { res: ResourceState<MembersResponse> }) {
  const { t } = useTranslation();
  const regionName = useRegionName();
  const pending = res.data?.pending;
  return (
    <Card
      title={t('pending.title')}
      testId="join-requests-card"
      actions={
        <Link className="link" to="/federation">
          {t('overview.viewFederation')}
        </Link>
      }
    >
      {res.loading ? (
        <Loading lines={2} />
      ) : !res.data ? (
        res.error && <ErrorPanel title={t('federation.loadFailed')} error={res.error} onRetry={res.reload} />
      ) : !pending || pending.length === 0 ? (
        <p className="prose muted">{t('pending.none')}</p>
      ) : (
        <>
          <p className="prose">{t('pending.summary', { n: pending.length })}</p>
          <ul className="mini-list">
            {pending.map((p) => (
              <li key={`${p.regionCode}-${p.keyId}`}>
                <span className="mono">{p.regionCode}</span> {regionName(p.regionCode, p.name)}
                <span className="muted">
                  {' · '}
                  <Time value={p.requestedAt} relative />
                </span>
              </li>
            ))}
          </ul>
          <ApproveHint className="hint" />
        </>
      )}
    </Card>
  );
}

function TrustListCard({ res, role }: { res: ResourceState<MembersResponse>; role: NodeInfo['role'] | undefined }) {
  const { t } = useTranslation();
  const lang = useLang();
  const d = res.data;
  const tl = d?.trustList;
  const state = d ? sourceState(d) : null;
  const sourceExplain: Record<string, string> = {
    live: t('source.explainLive'),
    self: t('source.explainSelf'),
    cache: t('source.explainCache'),
    expired: t('source.explainExpired'),
    none: role === 'hub' ? t('source.explainNoneHub') : t('source.explainNone'),
  };
  return (
    <Card
      title={t('trustList.title')}
      testId="trust-list-card"
      actions={
        <Link className="link" to="/federation">
          {t('overview.viewFederation')}
        </Link>
      }
    >
      {res.loading ? (
        <Loading />
      ) : !d ? (
        res.error && <ErrorPanel title={t('federation.loadFailed')} error={res.error} onRetry={res.reload} />
      ) : (
        <>
          <DescList
            items={[
              {
                key: 'source',
                label: t('trustList.source'),
                value: (
                  <span data-testid="overview-source" data-source={d.source}>
                    <SourceTag res={d} />
                  </span>
                ),
              },
              { key: 'version', label: t('trustList.version'), value: tl ? <span className="mono">v{tl.version}</span> : '—' },
              { key: 'issued', label: t('trustList.issuedAt'), value: <Time value={tl?.issuedAt} /> },
              {
                key: 'expires',
                label: t('trustList.expiresAt'),
                value: tl ? (
                  <>
                    {formatDateTime(tl.expiresAt, lang)}{' '}
                    <span className={tl.expired ? 'text-error' : 'muted'}>({formatRelative(tl.expiresAt, lang, t('common.justNow'))})</span>
                  </>
                ) : (
                  '—'
                ),
              },
            ]}
          />
          {state && <p className={`hint hint--${state === 'expired' ? 'error' : state === 'cache' ? 'warn' : 'plain'}`}>{sourceExplain[state]}</p>}
        </>
      )}
    </Card>
  );
}

export function OverviewPage() {
  const { t } = useTranslation();
  const lang = useLang();
  const errorText = useErrorText();
  const sourceName = useSourceName();
  const info = useNodeInfo();
  const ready = useResource(fetchReadiness, FEDERATION_POLL_MS);
  const members = useResource(fetchMembers, FEDERATION_POLL_MS);
  const i = info.data;
  const role = i?.role;

  const refreshAll = () => {
    info.reload();
    ready.reload();
    members.reload();
  };

  const counts = members.data ? countOnline(members.data.members) : null;
  const tl = members.data?.trustList;
  const state = members.data ? sourceState(members.data) : null;
  const status = i?.membership?.status ?? 'unknown';
  const membershipTone: Record<string, Tone> = { approved: 'ok', pending: 'warn', rejected: 'error', unknown: 'neutral' };
  const membershipLabel: Record<string, string> = {
    approved: t('membership.approved'),
    pending: t('membership.pending'),
    rejected: t('membership.rejected'),
    unknown: t('membership.unknown'),
  };
  const pendingCount = members.data?.pending?.length ?? 0;

  return (
    <div className="page" data-testid="page-overview">
      <PageHeader
        title={t('overview.title')}
        subtitle={role === 'hub' ? t('overview.subtitleHub') : t('overview.subtitle')}
        updatedAt={members.updatedAt}
        busy={info.busy || ready.busy || members.busy}
        onRefresh={refreshAll}
      />

      {!i && info.error && <ErrorPanel title={t('identity.loadFailed')} error={info.error} onRetry={info.reload} />}

      <div className="tiles">
        <Tile
          testId="tile-readiness"
          label={t('readiness.title')}
          tone={ready.data ? (ready.data.status === 'ready' ? 'ok' : 'error') : ready.error ? 'error' : 'neutral'}
          value={ready.data ? (ready.data.status === 'ready' ? t('readiness.ready') : t('readiness.notReady')) : ready.error ? t('common.unavailable') : '…'}
          sub={
            ready.data
              ? t('readiness.summary', {
                  passed: Object.entries(ready.data.checks).filter(([k, v]) => readCheck(k, v).ok === true).length,
                  total: Object.keys(ready.data.checks).length,
                })
              : ready.error && errorText(ready.error)
          }
        />
        {role === 'hub' ? (
          <Tile
            testId="tile-join-requests"
            label={t('pending.title')}
            tone={pendingCount > 0 ? 'warn' : 'neutral'}
            value={members.data ? String(pendingCount) : '…'}
            sub={pendingCount > 0 ? t('pending.awaiting') : t('pending.none')}
          />
        ) : (
          <Tile
            testId="tile-membership"
            label={t('membership.title')}
            tone={i ? (membershipTone[status] ?? 'neutral') : info.error ? 'error' : 'neutral'}
            value={i ? (membershipLabel[status] ?? status) : info.error ? t('common.unavailable') : '…'}
            sub={i?.hubUrl ? <span className="mono">{i.hubUrl}</span> : undefined}
          />
        )}
        <Tile
          testId="tile-trust-list"
          label={t('trustList.title')}
          tone={!members.data ? (members.error ? 'error' : 'neutral') : state === 'expired' ? 'error' : state === 'cache' ? 'warn' : tl ? 'ok' : 'neutral'}
          value={tl ? t('trustList.versionValue', { version: tl.version }) : members.data ? t('trustList.none') : members.error ? t('common.unavailable') : '…'}
          sub={
            tl
              ? tl.expired
                ? t('trustList.expiredAt', { time: formatDateTime(tl.expiresAt, lang) })
                : t('trustList.validUntil', { time: formatDateTime(tl.expiresAt, lang) })
              : undefined
          }
        />
        <Tile
          testId="tile-members"
          label={t('federation.membersTitle')}
          tone={!members.data ? (members.error ? 'error' : 'neutral') : state === 'cache' ? 'warn' : 'info'}
          value={members.data ? String(members.data.members.length) : members.error ? t('common.unavailable') : '…'}
          sub={
            counts && members.data
              ? `${t('federation.onlineCount', { n: counts.online })} · ${t('federation.offlineCount', { n: counts.offline })}${
                  counts.unknown ? ` · ${t('federation.unknownCount', { n: counts.unknown })}` : ''
                } · ${sourceName(members.data.source)}`
              : members.error && errorText(members.error)
          }
        />
      </div>

      <div className="columns">
        <div className="columns__col">
          {i ? (
            <IdentityCard info={i} />
          ) : (
            <Card title={t('identity.title')}>{info.loading ? <Loading lines={5} /> : <p className="muted">{t('identity.unavailable')}</p>}</Card>
          )}
          {role === 'hub' ? <JoinRequestsCard res={members} /> : i ? <MembershipCard info={i} /> : null}
        </div>
        <div className="columns__col">
          <ReadinessCard res={ready} />
          <TrustListCard res={members} role={role} />
        </div>
      </div>
    </div>
  );
}
