// 联邦成员 / Federation: the signed member list this node works from, with a banner saying
// where it came from (hub live, local cache, or the hub itself) and whether it is still
// valid; on the hub also the join requests awaiting approval. Refreshes every 15 s.
import { useTranslation } from 'react-i18next';
import { fetchMembers } from '../api';
import type { Member, MembersResponse, PendingRequest } from '../api';
import { useRegionName } from '../catalog/labels';
import { Banner, Card, CardTable, Empty, ErrorPanel, Loading, RefreshFailed, Tag, Time } from '../components/ui';
import { formatDateTime, formatRelative } from '../format';
import { useLang } from '../i18n';
import { useNodeInfo } from '../nodeInfo';
import { useResource } from '../useResource';
import {
  ApproveHint,
  countOnline,
  FEDERATION_POLL_MS,
  MemberStatusTag,
  OnlineTag,
  PageHeader,
  sourceState,
  useSourceName,
  useSuiteLabel,
} from './shared';

function byRegionCode<T extends { regionCode: string }>(a: T, b: T): number {
  return a.regionCode.localeCompare(b.regionCode);
}

function SourceBanner({ res }: { res: MembersResponse }) {
  const { t } = useTranslation();
  const lang = useLang();
  const sourceName = useSourceName();
  const { data: info } = useNodeInfo();
  const state = sourceState(res);
  const tl = res.trustList;
  const attrs = { 'data-source': res.source, 'data-state': state, 'data-version': tl ? String(tl.version) : '' };

  const meta = tl && (
    <ul className="banner__meta">
      <li>
        {t('trustList.version')} <strong className="mono">v{tl.version}</strong>
      </li>
      <li>
        {t('trustList.issuedAt')} <strong>{formatDateTime(tl.issuedAt, lang)}</strong>
      </li>
      <li>
        {t('trustList.expiresAt')} <strong>{formatDateTime(tl.expiresAt, lang)}</strong> ({formatRelative(tl.expiresAt, lang, t('common.justNow'))})
      </li>
      <li>
        {t('trustList.source')} <strong>{sourceName(res.source)}</strong>
        {res.source !== 'self' && info?.hubUrl && <span className="mono"> · {info.hubUrl}</span>}
      </li>
    </ul>
  );

  switch (state) {
    case 'expired':
      return (
        <Banner tone="error" testId="source-banner" attrs={attrs} title={t('source.bannerExpired', { time: tl ? formatDateTime(tl.expiresAt, lang) : '' })}>
          <p>{res.source === 'cache' ? t('source.explainExpiredCache') : t('source.explainExpired')}</p>
          {meta}
        </Banner>
      );
    case 'cache':
      return (
        <Banner tone="warn" testId="source-banner" attrs={attrs} title={t('source.bannerCache')}>
          <p>{t('source.explainCache')}</p>
          {meta}
        </Banner>
      );
    case 'none':
      return (
        <Banner tone="warn" testId="source-banner" attrs={attrs} title={t('source.bannerNone')}>
          <p>{info?.role === 'hub' ? t('source.explainNoneHub') : t('source.explainNone')}</p>
        </Banner>
      );
    case 'self':
      return (
        <Banner tone="info" testId="source-banner" attrs={attrs} title={t('source.bannerSelf')}>
          {meta}
        </Banner>
      );
    default:
      return (
        <Banner tone="ok" testId="source-banner" attrs={attrs} title={t('source.bannerLive')}>
          {meta}
        </Banner>
      );
  }
}

function MembersTable({ members }: { members: Member[] }) {
  const { t } = useTranslation();
  const regionName = useRegionName();
  const suiteLabel = useSuiteLabel();
  const rows = [...members].sort(byRegionCode);
  const col = {
    code: t('member.regionCode'),
    name: t('member.name'),
    endpoint: t('member.endpoint'),
    status: t('member.status'),
    keys: t('member.keys'),
    online: t('member.onlineStatus'),
  };
  return (
    <CardTable
      testId="members-table"
      columns={[
        { label: col.code, className: 'col-code' },
        { label: col.name, className: 'col-name' },
        { label: col.endpoint },
        { label: col.status, className: 'col-status' },
        { label: col.keys },
        { label: col.online, className: 'col-online' },
      ]}
    >
      {rows.map((m) => (
        <tr
          key={m.regionCode}
          className={m.self ? 'is-self' : undefined}
          data-testid={`member-row-${m.regionCode}`}
          data-online={m.online === null ? 'unknown' : String(m.online)}
          data-status={m.status}
          data-self={m.self ? 'true' : undefined}
        >
          <td data-label={col.code} className="mono cell-code">
            {m.regionCode}
          </td>
          <td data-label={col.name} className="cell-name">
            <span className="strong">{regionName(m.regionCode, m.name)}</span>
            {m.self && (
              <Tag tone="brand" dot={false}>
                {t('member.self')}
              </Tag>
            )}
          </td>
          <td data-label={col.endpoint} className="mono cell-endpoint">
            <span className="ellipsis" title={m.endpoint}>
              {m.endpoint}
            </span>
          </td>
          <td data-label={col.status}>
            <MemberStatusTag status={m.status} />
          </td>
          <td data-label={col.keys} className="cell-keys">
            {m.keyIds.length === 0 ? (
              <span className="muted">—</span>
            ) : (
              m.keyIds.map((k) => (
                <span className="mono ellipsis key-id" key={k} title={k}>
                  {k}
                </span>
              ))
            )}
            <span className="muted small">{suiteLabel(m.suite)}</span>
          </td>
          <td data-label={col.online} className="cell-online">
            <OnlineTag online={m.online} />
            <span className="muted small last-seen">
              {m.lastSeenAt ? (
                <>
                  {t('member.lastSeen')} <Time value={m.lastSeenAt} relative />
                </>
              ) : (
                t('member.neverSeen')
              )}
            </span>
          </td>
        </tr>
      ))}
    </CardTable>
  );
}

function PendingTable({ pending }: { pending: PendingRequest[] }) {
  const { t } = useTranslation();
  const regionName = useRegionName();
  const suiteLabel = useSuiteLabel();
  const col = {
    code: t('member.regionCode'),
    name: t('member.name'),
    endpoint: t('member.endpoint'),
    keys: t('member.keys'),
    requestedAt: t('pending.requestedAt'),
  };
  return (
    <CardTable
      testId="pending-table"
      columns={[
        { label: col.code, className: 'col-code' },
        { label: col.name, className: 'col-name' },
        { label: col.endpoint },
        { label: col.keys },
        { label: col.requestedAt, className: 'col-time' },
      ]}
    >
      {[...pending].sort(byRegionCode).map((p) => (
        <tr key={`${p.regionCode}-${p.keyId}`} data-testid={`pending-row-${p.regionCode}`}>
          <td data-label={col.code} className="mono cell-code">
            {p.regionCode}
          </td>
          <td data-label={col.name} className="cell-name">
            <span className="strong">{regionName(p.regionCode, p.name)}</span>
          </td>
          <td data-label={col.endpoint} className="mono cell-endpoint">
            <span className="ellipsis" title={p.endpoint}>
              {p.endpoint}
            </span>
          </td>
          <td data-label={col.keys} className="cell-keys">
            <span className="mono ellipsis key-id" title={p.keyId}>
              {p.keyId}
            </span>
            <span className="muted small">{suiteLabel(p.suite)}</span>
          </td>
          <td data-label={col.requestedAt}>
            <Time value={p.requestedAt} />
            <span className="muted small block">
              <Time value={p.requestedAt} relative />
            </span>
          </td>
        </tr>
      ))}
    </CardTable>
  );
}

export function FederationPage() {
  const { t } = useTranslation();
  const res = useResource(fetchMembers, FEDERATION_POLL_MS);
  const d = res.data;
  const counts = d ? countOnline(d.members) : null;

  return (
    <div className="page" data-testid="page-federation">
      <PageHeader
        title={t('federation.title')}
        subtitle={t('federation.subtitle', { seconds: FEDERATION_POLL_MS / 1000 })}
        updatedAt={res.updatedAt}
        busy={res.busy}
        onRefresh={res.reload}
      />

      {res.loading ? (
        <Card title={t('federation.membersTitle')}>
          <Loading lines={5} />
        </Card>
      ) : !d ? (
        res.error && <ErrorPanel title={t('federation.loadFailed')} error={res.error} onRetry={res.reload} />
      ) : (
        <>
          <SourceBanner res={d} />
          <RefreshFailed error={res.error} updatedAt={res.updatedAt} />

          <Card
            title={t('federation.membersTitle')}
            flush
            actions={
              counts && (
                <div className="counts" data-testid="member-counts">
                  <span>{t('federation.memberCount', { n: d.members.length })}</span>
                  <span className="counts__ok">{t('federation.onlineCount', { n: counts.online })}</span>
                  <span className="counts__bad">{t('federation.offlineCount', { n: counts.offline })}</span>
                  {counts.unknown > 0 && <span>{t('federation.unknownCount', { n: counts.unknown })}</span>}
                </div>
              )
            }
          >
            {d.members.length === 0 ? (
              <Empty title={t('federation.empty')}>{t('federation.emptyHint')}</Empty>
            ) : (
              <MembersTable members={d.members} />
            )}
          </Card>

          {d.pending !== undefined && (
            <Card
              title={t('pending.title')}
              testId="pending-card"
              flush
              actions={<span className="muted small">{t('pending.readOnly')}</span>}
            >
              {d.pending.length === 0 ? (
                <Empty title={t('pending.none')} />
              ) : (
                <>
                  <PendingTable pending={d.pending} />
                  <ApproveHint className="hint pad-x" />
                </>
              )}
            </Card>
          )}
        </>
      )}
    </div>
  );
}
