// Administrative actions reported by other capabilities through their own hooks (identity's
// onAdminAction: accounts created, disabled, enabled, passwords reset), as audit events.

import type { AuditEvent } from './event.js';

/** The shape identity reports (src/identity/events.ts AdminActionEvent), kept structural here. */
export interface AdminActionLike {
  category: 'admin';
  action: string;
  /** a user id, `cli:<os user>`, or `demo` */
  actor: string;
  /** the account acted on */
  target: string;
  regionCode: string;
  detail?: Record<string, unknown>;
}

/** cli:… → operator at the console, demo → the system, anything else → a signed-in user. */
export function adminActionEvent(e: AdminActionLike): AuditEvent {
  const type = e.actor.startsWith('cli:') ? 'operator' : e.actor === 'demo' ? 'system' : 'user';
  const detail: Record<string, string | number | boolean | null> = { target: e.target };
  for (const [k, v] of Object.entries(e.detail ?? {})) {
    if (v === undefined || k === 'target') continue;
    detail[k] = v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : Array.isArray(v) ? v.join(',') : JSON.stringify(v);
  }
  return { category: 'admin', action: e.action, actor: { type, id: e.actor, regionCode: e.regionCode }, outcome: 'ok', detail };
}
