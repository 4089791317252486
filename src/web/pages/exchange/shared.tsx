// Pieces the exchange pages share: status and route tags, resource names (from the partner, else this
// node's copy of the directory) and field labels in the current language, latency and data-time
// formatting, and the partner resources loader.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api';
import { Tag } from '../../components/ui';
import type { Tone } from '../../components/ui';
import { cachedDirectoryEntry } from '../../catalog/api';
import { cachedResources } from '../../exchange/api';
import type { Bilingual, ExchangeRoute, ExchangeStatus, FieldDef, ResourceDef } from '../../exchange/api';
import { formatDateTime } from '../../format';
import { pick, useLang } from '../../i18n';
import type { Lang } from '../../i18n';

export const PENDING_POLL_MS = 2000;


export function StatusTag({ status }: { status: ExchangeStatus }) {
  const { t } = useTranslation();
  const tone: Record<ExchangeStatus, Tone> = { completed: 'ok', pending: 'warn', failed: 'error' };
  const label: Record<ExchangeStatus, string> = {
    completed: t('exchange.status.completed'),
    pending: t('exchange.status.pending'),
    failed: t('exchange.status.failed'),
  };
  return (
    <Tag tone={tone[status] ?? 'neutral'} title={status}>
      {label[status] ?? status}
    </Tag>
  );
}

export function RouteTag({ route }: { route: ExchangeRoute }) {
  const { t } = useTranslation();
  return (
    <Tag tone={route === 'direct' ? 'brand' : 'info'} dot={false} title={route === 'direct' ? t('exchange.route.directHint') : t('exchange.route.relayHint')}>
      {route === 'direct' ? t('exchange.route.direct') : t('exchange.route.relay')}
    </Tag>
  );
}

/** 340 ms, 1.2 s, 1 min 5 s. */
export function formatLatency(ms: number | null | undefined, lang: Lang): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return lang === 'en' ? `${m} min ${s} s` : `${m} 分 ${s} 秒`;
}

/** A date-only value stays as written (it is a calendar date in the source); a time is shown in Beijing time. */
export function formatDataTime(value: string | null | undefined, lang: Lang): string {
  if (!value) return '—';
  if (/^\d{4}-\d{2}(-\d{2})?$/.test(value)) return value;
  return formatDateTime(value, lang);
}

export interface ResourcesState {
  resources: ResourceDef[] | undefined;
  error: ApiError | undefined;
  loading: boolean;
}

interface LoadedResources extends ResourcesState {
  /** the region the state is about */
  code: string | undefined;
}

/** A partner region's resources (cached per page load); nothing while `code` is empty. */
export function usePartnerResources(code: string | undefined): ResourcesState {
  const [state, setState] = useState<LoadedResources>({ code, resources: undefined, error: undefined, loading: Boolean(code) });
  useEffect(() => {
    if (!code) {
      setState({ code, resources: undefined, error: undefined, loading: false });
      return;
    }
    let live = true;
    setState({ code, resources: undefined, error: undefined, loading: true });
    cachedResources(code).then(
      (resources) => live && setState({ code, resources, error: undefined, loading: false }),
      (e: unknown) =>
        live && setState({ code, resources: undefined, error: e instanceof ApiError ? e : new ApiError({ kind: 'network', message: String(e) }), loading: false }),
    );
    return () => {
      live = false;
    };
  }, [code]);
  // just after `code` changed (before the effect above has run) the state is still the previous region's: not shown as this one's
  if (state.code !== code) return { resources: undefined, error: undefined, loading: Boolean(code) };
  return state;
}

/**
 * A partner resource's name in the current language: from the partner's own list when it answers; when
 * it does not (the partner is offline) or no longer lists it, from this node's copy of the federation
 * directory — the name the partner published, kept on this node while the partner or the hub is down;
 * its id only when neither has it. The exchange itself stores no name (its view carries the id).
 */
export function useResourceName(regionCode: string, resourceId: string, askPartner = true): string {
  return usePartnerResource(regionCode, resourceId, askPartner).name;
}

/**
 * A partner resource's name in the current language and its fields (labels, sensitivity), from the
 * same two places as `useResourceName`: the partner's live list, else what it published to the
 * directory. `fields` is undefined while neither has answered or when neither has the resource.
 * `askPartner: false` goes to the directory straight away: the partner's list is the clerks' (an
 * auditor reading an exchange would only be refused it).
 */
export function usePartnerResource(regionCode: string, resourceId: string, askPartner = true): { name: string; fields: FieldDef[] | undefined } {
  const lang = useLang();
  const { resources, error } = usePartnerResources(askPartner ? regionCode : undefined);
  const live = resources?.find((x) => x.id === resourceId);
  const askDirectory = Boolean(regionCode && resourceId) && !live && (!askPartner || error !== undefined || resources !== undefined);
  const key = `${regionCode}/${resourceId}`;
  const [published, setPublished] = useState<{ key: string; name: Bilingual; fields: FieldDef[] }>();
  useEffect(() => {
    if (!askDirectory) return;
    let current = true;
    cachedDirectoryEntry(regionCode, 'resource', resourceId).then(
      (e) =>
        current &&
        setPublished({
          key,
          name: e.content.name,
          // the directory carries labels and sensitivity, not the value type: values show as text
          fields: e.content.fields.map((f) => ({ name: f.name, label: f.label, sensitivity: f.sensitivity, type: 'string' as const })),
        }),
      () => undefined, // not in the directory either: the id it is
    );
    return () => {
      current = false;
    };
  }, [askDirectory, regionCode, resourceId, key]);
  if (live) return { name: pick(live.name, lang), fields: live.fields };
  if (published?.key === key) return { name: pick(published.name, lang), fields: published.fields };
  return { name: resourceId, fields: undefined };
}
