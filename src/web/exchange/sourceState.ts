// How the source status page reads GET /api/exchange/sources (src/exchange/routes.ts): the response
// types, one state per source, the order (problems first) and the counts. No imports: the Node tests
// use it as is.

export type AdapterKind = 'sql' | 'http' | 'csv';
export type HealthStatus = 'ok' | 'degraded' | 'down' | 'unknown';
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface AdapterHealth {
  kind: AdapterKind | string;
  /** ok: the last read worked; degraded: it works but the source has quality problems; down: the last read failed or the breaker is open; unknown: never read */
  status: HealthStatus;
  lastSuccessAt: string | null;
  lastErrorAt: string | null;
  /** the operator's reason, without personal data */
  lastError: string | null;
  consecutiveFailures: number;
  breaker: { state: BreakerState | string; openUntil: string | null } | null;
  reads: { ok: number; notFound: number; failed: number; rejectedByBreaker: number };
  /** source-level problems, e.g. `hukou.csv line 17: 7 fields, expected 9` */
  quality: string[];
  /** what the adapter reads: file and row count, table, URL template, … */
  source: Record<string, string | number | null>;
}

export interface SourceStatus {
  resource: string;
  /** the resource's Chinese name (the catalogue's name.zh) */
  name: string;
  nameEn: string;
  department: string;
  sourceSystem: string;
  /** the adapter id the catalogue entry names (source.adapter) */
  adapter: string;
  /** false: published, but its adapter is not configured on this node, so it is not served */
  served: boolean;
  health: AdapterHealth | null;
}

/**
 * What the page says about a source: 中断 (the last read failed or the breaker is open), 未配置适配器
 * (published but not served), 质量问题 (readable, with source-level problems), 未读取 (not read since
 * the node started, or the adapter keeps no record), 正常.
 */
export type SourceState = 'down' | 'unconfigured' | 'degraded' | 'unknown' | 'ok';

/** Problems first: the order of the page's list and of its counts. */
export const SOURCE_STATES: readonly SourceState[] = ['down', 'unconfigured', 'degraded', 'unknown', 'ok'];

export function sourceState(s: SourceStatus): SourceState {
  if (!s.served) return 'unconfigured';
  switch (s.health?.status) {
    case 'down':
      return 'down';
    case 'degraded':
      return 'degraded';
    case 'ok':
      return 'ok';
    default:
      return 'unknown';
  }
}

/** Problems first (in SOURCE_STATES order), then by resource id. */
export function sortSources(list: readonly SourceStatus[]): SourceStatus[] {
  const rank = (s: SourceStatus) => SOURCE_STATES.indexOf(sourceState(s));
  return [...list].sort((a, b) => rank(a) - rank(b) || a.resource.localeCompare(b.resource));
}

export function countSources(list: readonly SourceStatus[]): Record<SourceState, number> {
  const counts: Record<SourceState, number> = { down: 0, unconfigured: 0, degraded: 0, unknown: 0, ok: 0 };
  for (const s of list) counts[sourceState(s)]++;
  return counts;
}

/** The last error is history once a later read succeeded. */
export function errorRecovered(h: AdapterHealth): boolean {
  if (!h.lastErrorAt || !h.lastSuccessAt) return false;
  return new Date(h.lastSuccessAt).getTime() > new Date(h.lastErrorAt).getTime();
}
