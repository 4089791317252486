// How the source status page reads GET /api/exchange/sources (src/exchange/routes.ts): the response
// types (the server's), one state per source, the order (problems first) and the counts. Type imports
// only: the Node tests use it as is.

// the server's own types (types only: nothing of the server reaches the bundle or the Node tests)
export type { AdapterHealth, AdapterKind, BreakerState, SourceStatus } from '../../adapters/health-types.js';
import type { AdapterHealth, SourceStatus } from '../../adapters/health-types.js';
export type HealthStatus = AdapterHealth['status'];

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
