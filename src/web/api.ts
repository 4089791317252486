// Client for the node's own JSON endpoints (same origin, session cookie). Types mirror the server
// contract: GET /api/info, GET /api/federation/members, GET /readyz, /api/session (session.tsx) and
// /api/exchange/… (exchange/api.ts). Errors arrive as
// { error: { code, message, messageZh, messageEn, detail? } } and are surfaced as ApiError.

export type Role = 'hub' | 'node';
export type MembershipStatus = 'pending' | 'approved' | 'rejected' | 'unknown';

export interface NodeInfo {
  role: Role;
  regionCode: string;
  regionName: string;
  suite: 'ed25519' | 'sm2-sm3' | string;
  keyId: string;
  version: string;
  /** how other members reach this server */
  publicUrl?: string;
  hubUrl?: string;
  membership?: { status: MembershipStatus; detail?: string; /** a new public URL or name waits for the hub operator */ changePending?: boolean };
}

export interface TrustListSummary {
  version: number;
  issuedAt: string;
  expiresAt: string;
  expired: boolean;
}

export interface Member {
  regionCode: string;
  name: string;
  endpoint: string;
  status: 'active' | 'suspended' | string;
  suite: string;
  keyIds: string[];
  online: boolean | null;
  lastSeenAt: string | null;
  self: boolean;
}

export interface PendingRequest {
  regionCode: string;
  name: string;
  endpoint: string;
  suite: string;
  keyId: string;
  requestedAt: string;
}

export type MemberListSource = 'hub' | 'cache' | 'self';

export interface MembersResponse {
  source: MemberListSource;
  trustList: TrustListSummary | null;
  members: Member[];
  pending?: PendingRequest[];
}

export interface Readiness {
  status: 'ready' | 'not-ready';
  checks: Record<string, unknown>;
  httpStatus: number;
}

export type ApiErrorKind = 'network' | 'http' | 'api' | 'format';

/** A failed call, carrying the server's bilingual message when it sent one. */
export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly status: number | null;
  readonly code: string | null;
  readonly messageZh: string | null;
  readonly messageEn: string | null;
  readonly detail: unknown;
  /** validation problems, when the server sends them as a list beside the detail text */
  readonly problems: unknown;

  constructor(init: {
    kind: ApiErrorKind;
    message: string;
    status?: number | null;
    code?: string | null;
    messageZh?: string | null;
    messageEn?: string | null;
    detail?: unknown;
    problems?: unknown;
  }) {
    super(init.message);
    this.name = 'ApiError';
    this.kind = init.kind;
    this.status = init.status ?? null;
    this.code = init.code ?? null;
    this.messageZh = init.messageZh ?? null;
    this.messageEn = init.messageEn ?? null;
    this.detail = init.detail;
    this.problems = init.problems;
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

/** Turns the server's error envelope (or whatever came back) into an ApiError. */
function errorFromBody(status: number, body: unknown): ApiError {
  const e = isRecord(body) && isRecord(body.error) ? body.error : null;
  if (e) {
    return new ApiError({
      kind: 'api',
      status,
      code: str(e.code),
      message: str(e.message) ?? str(e.messageEn) ?? `HTTP ${status}`,
      messageZh: str(e.messageZh),
      messageEn: str(e.messageEn),
      detail: e.detail,
      problems: e.problems,
    });
  }
  return new ApiError({ kind: 'http', status, message: `HTTP ${status}` });
}

/** Listeners told when any call (other than the session endpoints) answers 401: the session has ended. */
const unauthenticatedListeners = new Set<() => void>();
export function onUnauthenticated(listener: () => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** sent as JSON */
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** non-2xx statuses whose body is a result, not an error (e.g. 503 from /readyz) */
  okStatuses?: readonly number[];
  /** a 2xx answer may have no body (204) */
  allowEmpty?: boolean;
}

/** One call to this server's JSON API; failures become ApiError with the server's bilingual message. */
export async function call(path: string, opts: CallOptions = {}): Promise<{ status: number; body: unknown; headers: Headers }> {
  const { method = 'GET', signal } = opts;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      cache: 'no-store',
      credentials: 'same-origin',
      signal,
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError({ kind: 'network', message: String(err) });
  }
  let body: unknown = null;
  const text = await res.text();
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  if (!res.ok && !(opts.okStatuses ?? []).includes(res.status)) {
    if (res.status === 401 && !path.startsWith('/api/session')) for (const l of unauthenticatedListeners) l();
    throw errorFromBody(res.status, body);
  }
  if (body === undefined || (body === null && !(opts.allowEmpty && res.ok))) {
    throw new ApiError({ kind: 'format', status: res.status, message: `${path}: response is not JSON` });
  }
  return { status: res.status, body, headers: res.headers };
}

async function request(path: string, signal: AbortSignal | undefined, okStatuses: readonly number[]): Promise<{ status: number; body: unknown }> {
  return call(path, { signal, okStatuses });
}

export function formatError(path: string, what: string): ApiError {
  return new ApiError({ kind: 'format', message: `${path}: ${what}` });
}

export async function fetchInfo(signal?: AbortSignal): Promise<NodeInfo> {
  const { body } = await request('/api/info', signal, []);
  if (!isRecord(body) || (body.role !== 'hub' && body.role !== 'node') || typeof body.regionCode !== 'string') {
    throw formatError('/api/info', 'unexpected shape');
  }
  return body as unknown as NodeInfo;
}

export async function fetchMembers(signal?: AbortSignal): Promise<MembersResponse> {
  const { body } = await request('/api/federation/members', signal, []);
  if (!isRecord(body) || !Array.isArray(body.members) || typeof body.source !== 'string') {
    throw formatError('/api/federation/members', 'unexpected shape');
  }
  if (body.pending !== undefined && !Array.isArray(body.pending)) {
    throw formatError('/api/federation/members', 'pending is not a list');
  }
  return body as unknown as MembersResponse;
}

/** /readyz answers 503 with a normal body when not ready; both are results, not errors. */
export async function fetchReadiness(signal?: AbortSignal): Promise<Readiness> {
  const { status, body } = await request('/readyz', signal, [503]);
  if (!isRecord(body) || typeof body.status !== 'string') throw formatError('/readyz', 'unexpected shape');
  const checks = isRecord(body.checks) ? body.checks : {};
  return { status: body.status === 'ready' && status === 200 ? 'ready' : 'not-ready', checks, httpStatus: status };
}

// ---- session (src/identity on the server) -------------------------------------------------------

/** a node's staff (clerk, approver, admin, auditor) or the hub's (operator): src/identity/users.ts */
export type UserRole = 'clerk' | 'approver' | 'admin' | 'auditor' | 'operator';

export interface SessionUser {
  id: string;
  name: string;
  department: string;
  regionCode: string;
  roles: UserRole[];
}

export interface SessionInfo {
  user: SessionUser;
  expiresAt: string;
}

function asSession(path: string, body: unknown): SessionInfo {
  if (!isRecord(body) || !isRecord(body.user) || typeof body.user.id !== 'string' || !Array.isArray(body.user.roles)) {
    throw formatError(path, 'unexpected shape');
  }
  return body as unknown as SessionInfo;
}

/**
 * The signed-in user, or null when not signed in: the node answers 200 with `user: null` then (no
 * cookie, or an ended session), so a public page asking shows no failed request. A server without
 * accounts (one older than accounts on the hub) answers 404.
 */
export async function fetchSession(signal?: AbortSignal): Promise<SessionInfo | null> {
  const { body } = await call('/api/session', { signal });
  if (isRecord(body) && body.user === null) return null;
  return asSession('/api/session', body);
}

export async function signIn(userId: string, password: string): Promise<SessionInfo> {
  const { body } = await call('/api/session', { method: 'POST', body: { userId, password } });
  return asSession('/api/session', body);
}

export async function signOut(): Promise<void> {
  await call('/api/session', { method: 'DELETE', allowEmpty: true });
}
