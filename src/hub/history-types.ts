// A member's history as the operator API returns it (GET /api/hub/members/:code) and what each event
// records (src/hub/history.ts). No imports: the web console (src/web/hub/api.ts) uses these types as
// they are, so the page and the server cannot drift apart.

/** What changed, from the approved (or requested) value to the asked-for one. */
export interface ValueChange {
  from: string;
  to: string;
}

export type MemberEventDetail =
  /** the reason an operator gave for a decision, verbatim */
  | { kind: 'reason'; reason: string }
  /** a new endpoint and/or name: asked for (updated, change-requested) or decided on (change-approved, change-rejected, with the operator's reason if given) */
  | { kind: 'change'; endpoint?: ValueChange; name?: ValueChange; reason?: string }
  /** a region asking again, with a new key, after its request was rejected or its membership revoked */
  | { kind: 'after-rejection' }
  /** the member replaced its signing key */
  | { kind: 'key-rotation'; oldKeyId: string; newKeyId: string };

export const DETAIL_KINDS = ['reason', 'change', 'after-rejection', 'key-rotation'] as const satisfies ReadonlyArray<MemberEventDetail['kind']>;

export interface MemberEventView {
  at: string;
  action: string;
  actor: string;
  /** the person, when the actor is a hub operator's account (`user:<id>`); null otherwise */
  actorName: string | null;
  actorDepartment: string | null;
  /** in words (English): the text of an older row, or what `data` says */
  detail: string | null;
  /** the facts, structured; null on rows written before they were kept so (their `detail` is text) */
  data: MemberEventDetail | null;
}
