// Pieces both pages use: the page heading with refresh controls, and the wording/tones for
// membership, trust-list source, online status and crypto suites.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Member, MembersResponse, MembershipStatus } from '../api';
import { Icon } from '../components/Icon';
import { Tag } from '../components/ui';
import type { Tone } from '../components/ui';
import { formatDateTime } from '../format';
import { useLang } from '../i18n';

export const FEDERATION_POLL_MS = 15_000;

export function PageHeader({
  title,
  subtitle,
  updatedAt,
  busy,
  onRefresh,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  updatedAt?: Date;
  busy?: boolean;
  onRefresh?: () => void;
}) {
  const { t } = useTranslation();
  const lang = useLang();
  return (
    <div className="page-head">
      <div className="page-head__text">
        <h1 className="page-head__title">{title}</h1>
        {subtitle && <p className="page-head__subtitle">{subtitle}</p>}
      </div>
      {onRefresh && (
        <div className="page-head__tools">
          {updatedAt && (
            <span className="muted page-head__updated" data-testid="updated-at">
              <Icon name="clock" size={14} /> {t('common.updatedAt', { time: formatDateTime(updatedAt, lang) })}
            </span>
          )}
          <button type="button" className="btn" onClick={onRefresh} disabled={busy} data-testid="refresh">
            <Icon name="refresh" size={15} className={busy ? 'spin' : undefined} />
            {busy ? t('common.refreshing') : t('common.refresh')}
          </button>
        </div>
      )}
    </div>
  );
}

/** A membership's status: a node's own (as the hub answered it), or a member's as the hub operator sees it (also suspended). */
export function MembershipTag({ status }: { status: MembershipStatus | 'suspended' }) {
  const { t } = useTranslation();
  const tone: Record<MembershipStatus | 'suspended', Tone> = { approved: 'ok', pending: 'warn', rejected: 'error', suspended: 'error', unknown: 'neutral' };
  const label: Record<MembershipStatus | 'suspended', string> = {
    approved: t('membership.approved'),
    pending: t('membership.pending'),
    rejected: t('membership.rejected'),
    suspended: t('membership.suspended'),
    unknown: t('membership.unknown'),
  };
  return <Tag tone={tone[status] ?? 'neutral'}>{label[status] ?? status}</Tag>;
}

/** Where join requests are decided: the hub's Membership page (or the command line). */
export function ApproveHint({ className }: { className: string }) {
  const { t } = useTranslation();
  return (
    <p className={className}>
      {t('pending.howToApprove')}{' '}
      <Link className="link" to="/members" data-testid="go-to-members">
        {t('pending.goToMembers')}
      </Link>
    </p>
  );
}

export function MemberStatusTag({ status }: { status: Member['status'] }) {
  const { t } = useTranslation();
  if (status === 'active') return <Tag tone="ok">{t('member.statusActive')}</Tag>;
  if (status === 'suspended') return <Tag tone="error">{t('member.statusSuspended')}</Tag>;
  return <Tag tone="neutral">{status}</Tag>;
}

export function OnlineTag({ online }: { online: boolean | null }) {
  const { t } = useTranslation();
  if (online === true) return <Tag tone="ok">{t('member.online')}</Tag>;
  if (online === false) return <Tag tone="error">{t('member.offline')}</Tag>;
  return <Tag tone="neutral">{t('member.onlineUnknown')}</Tag>;
}

export function useSuiteLabel(): (suite: string) => string {
  const { t } = useTranslation();
  return (suite) => {
    if (suite === 'ed25519') return t('suite.ed25519');
    if (suite === 'sm2-sm3') return t('suite.sm2sm3');
    return suite;
  };
}

export type SourceState = 'live' | 'self' | 'cache' | 'expired' | 'none';

/** One reading of where the member list comes from and whether it can be trusted. */
export function sourceState(res: MembersResponse): SourceState {
  if (res.trustList?.expired) return 'expired';
  if (res.source === 'cache') return 'cache';
  if (!res.trustList) return 'none';
  return res.source === 'self' ? 'self' : 'live';
}

export function useSourceLabel(): (res: MembersResponse) => string {
  const { t } = useTranslation();
  return (res) => {
    const label: Record<SourceState, string> = {
      live: t('source.tagLive'),
      self: t('source.tagSelf'),
      cache: t('source.tagCache'),
      expired: t('source.tagExpired'),
      none: t('source.tagNone'),
    };
    return label[sourceState(res)];
  };
}

/** Where the list physically came from, whatever its validity: hub / local cache / this hub. */
export function useSourceName(): (source: MembersResponse['source']) => string {
  const { t } = useTranslation();
  return (source) => (source === 'cache' ? t('source.tagCache') : source === 'self' ? t('source.tagSelf') : t('source.tagLive'));
}

const sourceTone: Record<SourceState, Tone> = { live: 'ok', self: 'brand', cache: 'warn', expired: 'error', none: 'neutral' };

export function SourceTag({ res }: { res: MembersResponse }) {
  const label = useSourceLabel();
  return <Tag tone={sourceTone[sourceState(res)]}>{label(res)}</Tag>;
}

export function countOnline(members: Member[]): { online: number; offline: number; unknown: number } {
  let online = 0;
  let offline = 0;
  let unknown = 0;
  for (const m of members) {
    if (m.online === true) online++;
    else if (m.online === false) offline++;
    else unknown++;
  }
  return { online, offline, unknown };
}
