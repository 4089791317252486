// Client for the audit log search (src/audit/search-routes.ts); the form's pure parts are in searchForm.ts.
//   POST /api/audit/search   (roles admin, auditor) filters → { entries, nextBefore, head, anchoredThrough }
// A POST, so that an ID number travels in the body, never in a URL; a search by subject is itself
// appended to the log (audit.subject-searched).
import { call, formatError, isRecord } from '../api';

// the server's own types (types only: nothing of the server reaches the bundle)
export type { AuditEntryView, AuditSearchFilters, AuditSearchPage } from '../../audit/search.js';
export type { AuditCategory, AuditOutcome } from '../../audit/event.js';
import type { AuditSearchFilters, AuditSearchPage } from '../../audit/search.js';

export const AUDIT_SEARCH_PATH = '/api/audit/search';
/** the 审计日志 page's route */
export const AUDIT_LOG_PATH = '/audit/log';

export async function searchAuditLog(filters: AuditSearchFilters, signal?: AbortSignal): Promise<AuditSearchPage> {
  const { body } = await call(AUDIT_SEARCH_PATH, { method: 'POST', body: filters, signal });
  if (!isRecord(body) || !Array.isArray(body.entries) || typeof body.head !== 'number' || !(body.nextBefore === null || typeof body.nextBefore === 'number')) {
    throw formatError(AUDIT_SEARCH_PATH, 'unexpected shape');
  }
  return body as unknown as AuditSearchPage;
}

