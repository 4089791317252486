// A member's history (hub_member_event): who did what, when, and the facts of it. The facts are kept
// structured (detail_json: a kind and its parameters, migration 013) so that a client can say them in its
// own language; rows written before that hold English text in `detail`, and are read as such. An actor
// is `node:<keyId>` (the member itself), `user:<id>` (a hub operator's account, named from app_user),
// `operator-token` (the bootstrap token), `cli:<os user>`, or a label such as `demo`.

import type { Kysely } from 'kysely';
import type { TongbanDB } from '../store/schema.js';
import { DETAIL_KINDS, type MemberEventDetail, type MemberEventView } from './history-types.js';

export type { MemberEventDetail, MemberEventView, ValueChange } from './history-types.js';

const USER_PREFIX = 'user:';

/** The actor recorded for a hub operator's account. */
export function userActor(userId: string): string {
  return `${USER_PREFIX}${userId}`;
}

function userIdOf(actor: string): string | undefined {
  return actor.startsWith(USER_PREFIX) ? actor.slice(USER_PREFIX.length) : undefined;
}

/** What changed between two endpoint/name pairs (only what differs). */
export function changeOf(was: { endpoint: string; name: string }, now: { endpoint: string; name: string }, reason?: string): MemberEventDetail {
  return {
    kind: 'change',
    ...(was.endpoint !== now.endpoint ? { endpoint: { from: was.endpoint, to: now.endpoint } } : {}),
    ...(was.name !== now.name ? { name: { from: was.name, to: now.name } } : {}),
    ...(reason ? { reason } : {}),
  };
}

/** A detail in English words: what the command line prints, and the API's `detail` (older rows said exactly this). */
export function describeDetail(d: MemberEventDetail): string {
  switch (d.kind) {
    case 'reason':
      return d.reason;
    case 'change': {
      const parts = [...(d.endpoint ? [`endpoint ${d.endpoint.from} → ${d.endpoint.to}`] : []), ...(d.name ? [`name ${d.name.from} → ${d.name.to}`] : [])];
      const what = parts.join('; ');
      return d.reason ? `${what} (${d.reason})` : what;
    }
    case 'after-rejection':
      return 'new request after rejection';
    case 'key-rotation':
      return `${d.oldKeyId} → ${d.newKeyId}`;
  }
}

/** A stored detail read back; anything unreadable is no structured detail (the row's text, if any, stands). */
function readDetail(json: string | null): MemberEventDetail | null {
  if (json === null) return null;
  try {
    const v = JSON.parse(json) as { kind?: unknown } | null;
    return v && typeof v === 'object' && (DETAIL_KINDS as readonly unknown[]).includes(v.kind) ? (v as MemberEventDetail) : null;
  } catch {
    return null;
  }
}

export async function appendEvent(tx: Kysely<TongbanDB>, regionCode: string, at: string, action: string, actor: string, detail: MemberEventDetail | null): Promise<void> {
  await tx.insertInto('hub_member_event').values({ region_code: regionCode, at, action, actor, detail: null, detail_json: detail ? JSON.stringify(detail) : null }).execute();
}

/** A member's history, oldest first, with each operator named and each detail both structured and in words. */
export async function memberHistory(db: Kysely<TongbanDB>, regionCode: string): Promise<MemberEventView[]> {
  const rows = await db.selectFrom('hub_member_event').selectAll().where('region_code', '=', regionCode).orderBy('id').execute();
  const ids = [...new Set(rows.map((r) => userIdOf(r.actor)).filter((id): id is string => id !== undefined))];
  const people = ids.length > 0 ? await db.selectFrom('app_user').select(['id', 'name', 'department']).where('id', 'in', ids).execute() : [];
  return rows.map((r) => {
    const data = readDetail(r.detail_json);
    const userId = userIdOf(r.actor);
    const person = userId === undefined ? undefined : people.find((p) => p.id === userId);
    return {
      at: r.at,
      action: r.action,
      actor: r.actor,
      actorName: person?.name ?? null,
      actorDepartment: person?.department ?? null,
      detail: data ? describeDetail(data) : r.detail,
      data,
    };
  });
}
