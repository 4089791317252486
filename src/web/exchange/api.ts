// Client for the clerk's exchange API (src/exchange on the server). Every route needs a signed-in
// user with the clerk role; a 401 ends the session in the UI (session.tsx).
//   GET  /api/exchange/partners
//   GET  /api/exchange/partners/:code/resources
//   GET  /api/exchange/service-items
//   POST /api/exchange/requests            → 200 completed|failed, 202 pending
//   GET  /api/exchange/requests/:messageId
//   GET  /api/exchange/requests/:messageId/evidence  → the evidence package (存证包), an attachment
//   GET  /api/exchange/requests?limit=20
import { call, formatError, isRecord } from '../api';

export type ExchangeRoute = 'direct' | 'relay';

export interface Partner {
  regionCode: string;
  name: string;
  route: ExchangeRoute;
  online: boolean | null;
}

import type { Bilingual } from '../i18n';
export type { Bilingual };

export interface FieldDef {
  name: string;
  label: Bilingual;
  type: 'string' | 'date' | 'code' | 'number';
  sensitivity: 'general' | 'sensitive';
}

export interface ResourceDef {
  id: string;
  name: Bilingual;
  department: string;
  sourceSystem: string;
  subjectType: 'citizen' | 'enterprise';
  fields: FieldDef[];
}

/** one of this node's published 事项 */
export interface ServiceItem {
  code: string;
  name: string;
  department: string;
  origin: 'national-confirmed' | 'regional';
  source: string;
}

export interface Purpose {
  serviceItem: string;
  caseId: string;
  agreementId?: string;
}

export interface ExchangeInput {
  target: string;
  resource: string;
  subject: { type: 'citizen'; idNumber: string };
  fields: string[];
  purpose: Purpose;
  /** the applicant's consent, or a legal basis (法定依据): either lets sensitive fields be asked for */
  authorisation?: { type: 'citizen-consent' | 'statutory'; reference: string };
}

export interface Provenance {
  regionCode: string;
  department: string;
  sourceSystem: string;
  dataTime: string;
  retrievedAt: string;
  quality: string[];
}

export interface Seal {
  verified: boolean;
  reason?: string;
  suite: string;
  keyId: string;
  signer: { regionCode: string; name: string };
  requestHashMatches: boolean;
  batchSize: number;
  sealedAt: string;
}

export interface ExchangeErrorInfo {
  code: string;
  message: string;
  messageZh: string;
  messageEn: string;
  detail?: string;
  /** the requested fields the error is about, by name (shown by their labels) */
  fields?: string[];
}

export type ExchangeStatus = 'completed' | 'pending' | 'failed';

export interface ExchangeView {
  messageId: string;
  status: ExchangeStatus;
  target: { regionCode: string; name: string };
  resource: string;
  fields: string[];
  subjectMasked: string;
  purpose: Purpose;
  /** the basis the request was sent on: the applicant's consent or a legal basis (法定依据) */
  authorisation?: { type: 'citizen-consent' | 'statutory'; reference: string };
  route: ExchangeRoute;
  user: { id: string; name: string };
  createdAt: string;
  completedAt: string | null;
  latencyMs: number | null;
  result?: {
    record: Record<string, string | number | null>;
    provenance: Provenance;
    seal: Seal;
  };
  error?: ExchangeErrorInfo;
}

function isExchangeView(v: unknown): v is ExchangeView {
  return isRecord(v) && typeof v.messageId === 'string' && typeof v.status === 'string' && isRecord(v.target);
}

export async function fetchPartners(signal?: AbortSignal): Promise<Partner[]> {
  const path = '/api/exchange/partners';
  const { body } = await call(path, { signal });
  if (!isRecord(body) || !Array.isArray(body.partners)) throw formatError(path, 'unexpected shape');
  return body.partners as Partner[];
}

export async function fetchResources(code: string, signal?: AbortSignal): Promise<ResourceDef[]> {
  const path = `/api/exchange/partners/${encodeURIComponent(code)}/resources`;
  const { body } = await call(path, { signal });
  if (!isRecord(body) || !Array.isArray(body.resources)) throw formatError(path, 'unexpected shape');
  return body.resources as ResourceDef[];
}

export async function fetchServiceItems(signal?: AbortSignal): Promise<ServiceItem[]> {
  const path = '/api/exchange/service-items';
  const { body } = await call(path, { signal });
  if (!isRecord(body) || !Array.isArray(body.items)) throw formatError(path, 'unexpected shape');
  return body.items as ServiceItem[];
}

export async function submitExchange(input: ExchangeInput): Promise<ExchangeView> {
  const path = '/api/exchange/requests';
  const { body } = await call(path, { method: 'POST', body: input });
  if (!isRecord(body) || !isExchangeView(body.exchange)) throw formatError(path, 'unexpected shape');
  return body.exchange;
}

export async function fetchExchange(messageId: string, signal?: AbortSignal): Promise<ExchangeView> {
  const path = `/api/exchange/requests/${encodeURIComponent(messageId)}`;
  const { body } = await call(path, { signal });
  if (!isRecord(body) || !isExchangeView(body.exchange)) throw formatError(path, 'unexpected shape');
  return body.exchange;
}

/** Where a completed exchange's evidence package is downloaded (a link: the browser saves the attachment), and its file name. */
export function evidenceDownload(messageId: string): { href: string; fileName: string } {
  return { href: `/api/exchange/requests/${encodeURIComponent(messageId)}/evidence`, fileName: `tongban-evidence-${messageId}.json` };
}

export async function fetchRecentExchanges(signal?: AbortSignal, limit = 20): Promise<ExchangeView[]> {
  const path = `/api/exchange/requests?limit=${limit}`;
  const { body } = await call(path, { signal });
  if (!isRecord(body) || !Array.isArray(body.exchanges)) throw formatError(path, 'unexpected shape');
  return body.exchanges.filter(isExchangeView);
}

// A partner's resource list changes rarely: one fetch per region per page load, shared by the form,
// the recent list and the result view (field labels).
const resourceCache = new Map<string, Promise<ResourceDef[]>>();

export function cachedResources(code: string): Promise<ResourceDef[]> {
  let p = resourceCache.get(code);
  if (!p) {
    p = fetchResources(code);
    resourceCache.set(code, p);
    p.catch(() => resourceCache.delete(code));
  }
  return p;
}
