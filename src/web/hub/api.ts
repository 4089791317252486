// The hub operator's API (src/hub/routes.ts): every member and join request, one member with its keys
// and decision history, and the decisions. Each call carries the operator token as a bearer token; the
// token is kept in this browser tab only (sessionStorage), never in localStorage.
import { call, formatError, isRecord } from '../api';

export type HubMemberStatus = 'pending' | 'approved' | 'rejected' | 'suspended';

export type Decision = 'approve' | 'reject' | 'suspend' | 'reinstate' | 'revoke' | 'approve-change' | 'reject-change';

/** Decisions that end or narrow something: taken only after the operator confirms them. */
export const DESTRUCTIVE: readonly Decision[] = ['reject', 'suspend', 'revoke', 'reject-change'];
export type DestructiveDecision = 'reject' | 'suspend' | 'revoke' | 'reject-change';
export function isDestructive(d: Decision): d is DestructiveDecision {
  return DESTRUCTIVE.includes(d);
}

export interface OperatorMember {
  regionCode: string;
  name: string;
  endpoint: string;
  suite: string;
  status: HubMemberStatus;
  requestedAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  reason: string | null;
  keys: Array<{ keyId: string; suite: string; status: 'active' | 'retired' | string; addedAt: string }>;
  /** an approved member's new endpoint and name, waiting for approve-change or reject-change */
  pendingChange: { endpoint: string; name: string; since: string } | null;
  /** what the hub accepts on the member as it stands now (it refuses anything else with E_CONFLICT) */
  decisions: Array<{ decision: Decision; reasonRequired: boolean }>;
}

export interface MemberEvent {
  at: string;
  action: string;
  /** `node:<keyId>`, `operator-api`, `cli:<user>` … */
  actor: string;
  detail: string | null;
}

/** Needs a decision: a join request, or an approved member's address or name change. */
export function awaitsDecision(m: OperatorMember): boolean {
  return m.status === 'pending' || m.pendingChange !== null;
}

function asMember(path: string, v: unknown): OperatorMember {
  if (!isRecord(v) || typeof v.regionCode !== 'string' || typeof v.status !== 'string' || !Array.isArray(v.decisions) || !Array.isArray(v.keys)) {
    throw formatError(path, 'unexpected member shape');
  }
  return v as unknown as OperatorMember;
}

export async function fetchOperatorMembers(token: string, signal?: AbortSignal): Promise<OperatorMember[]> {
  const path = '/api/hub/members';
  const { body } = await call(path, { signal, bearer: token });
  if (!isRecord(body) || !Array.isArray(body.members)) throw formatError(path, 'unexpected shape');
  return body.members.map((m) => asMember(path, m));
}

export async function fetchOperatorMember(token: string, code: string, signal?: AbortSignal): Promise<{ member: OperatorMember; history: MemberEvent[] }> {
  const path = `/api/hub/members/${encodeURIComponent(code)}`;
  const { body } = await call(path, { signal, bearer: token });
  if (!isRecord(body) || !Array.isArray(body.history)) throw formatError(path, 'unexpected shape');
  return { member: asMember(path, body.member), history: body.history as MemberEvent[] };
}

export async function decideMember(token: string, code: string, decision: Decision, reason?: string): Promise<OperatorMember> {
  const path = `/api/hub/members/${encodeURIComponent(code)}/${decision}`;
  const { body } = await call(path, { method: 'POST', body: reason ? { reason } : {}, bearer: token });
  return asMember(path, body);
}

// ---- the token, for this tab only ----------------------------------------------------------------

const TOKEN_KEY = 'tongban.hub.operatorToken';

export function storedOperatorToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function keepOperatorToken(token: string | null): void {
  try {
    if (token === null) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // storage disabled: the token lasts as long as the page
  }
}
