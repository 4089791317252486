// The hub operator's API (src/hub/routes.ts): every member and join request, one member with its keys
// and decision history, and the decisions. The calls go with the signed-in operator's session (the
// tb_session cookie): a decision is recorded under the operator's name. A 401 ends the session here
// as on any page (session.tsx sends the operator to sign in again).
import { call, formatError, isRecord } from '../api';
import type { UserRole } from '../api';
import type { MemberEventView } from '../../hub/history-types.js';

export type { MemberEventDetail } from '../../hub/history-types.js';

/** Who may use this API from the console: the hub's operators (the server refuses anyone else). */
export const HUB_OPERATOR: UserRole[] = ['operator'];

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

/** `actor`: `node:<keyId>`, `user:<id>` (a hub operator, named in actorName), `operator-token`, `cli:<user>`, `operator-api` (older) … */
export type MemberEvent = MemberEventView;

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

export async function fetchOperatorMembers(signal?: AbortSignal): Promise<OperatorMember[]> {
  const path = '/api/hub/members';
  const { body } = await call(path, { signal });
  if (!isRecord(body) || !Array.isArray(body.members)) throw formatError(path, 'unexpected shape');
  return body.members.map((m) => asMember(path, m));
}

export async function fetchOperatorMember(code: string, signal?: AbortSignal): Promise<{ member: OperatorMember; history: MemberEvent[] }> {
  const path = `/api/hub/members/${encodeURIComponent(code)}`;
  const { body } = await call(path, { signal });
  if (!isRecord(body) || !Array.isArray(body.history)) throw formatError(path, 'unexpected shape');
  return { member: asMember(path, body.member), history: body.history as MemberEvent[] };
}

export async function decideMember(code: string, decision: Decision, reason?: string): Promise<OperatorMember> {
  const path = `/api/hub/members/${encodeURIComponent(code)}/${decision}`;
  const { body } = await call(path, { method: 'POST', body: reason ? { reason } : {} });
  return asMember(path, body);
}
