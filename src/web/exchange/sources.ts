// Client for the administrator's view of this node's sources (src/exchange/routes.ts):
//   GET /api/exchange/sources   (role admin; 401 signed out, 403 otherwise)
// every published resource with the adapter that serves it and that adapter's health record, plus
// the published resources whose adapter this node does not configure (served: false). The types and
// the page's reading of them are in sourceState.ts.
import { call, formatError, isRecord } from '../api';
import type { SourceStatus } from './sourceState';

export const SOURCES_PATH = '/api/exchange/sources';

function isSourceStatus(v: unknown): v is SourceStatus {
  if (!isRecord(v) || typeof v.resource !== 'string' || typeof v.served !== 'boolean') return false;
  if (v.health === null) return true;
  const h = v.health;
  return isRecord(h) && typeof h.status === 'string' && isRecord(h.reads) && Array.isArray(h.quality) && isRecord(h.source);
}

export async function fetchSources(signal?: AbortSignal): Promise<SourceStatus[]> {
  const { body } = await call(SOURCES_PATH, { signal });
  if (!isRecord(body) || !Array.isArray(body.sources) || !body.sources.every(isSourceStatus)) throw formatError(SOURCES_PATH, 'unexpected shape');
  return body.sources;
}
