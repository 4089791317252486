// The one hook through which identity reports administrative actions (account created, disabled,
// password reset…) to the audit log. Identity does not keep an audit trail of its own: whoever
// assembles the server (src/server/start.ts) or runs the CLI passes `onAdminAction`, which appends
// the event to the node's audit log (src/audit, category 'admin').

export type AdminAction = 'user.created' | 'user.disabled' | 'user.enabled' | 'user.password-reset';

export interface AdminActionEvent {
  category: 'admin';
  action: AdminAction;
  /** who did it: a user id, `cli:<os user>`, or `demo` */
  actor: string;
  /** the account acted on (its login id) */
  target: string;
  regionCode: string;
  at: string;
  /** non-secret facts (roles, department); never a password or hash */
  detail?: Record<string, unknown>;
}

export type AdminActionHook = (event: AdminActionEvent) => void | Promise<void>;

export interface AdminContext {
  actor: string;
  onAdminAction?: AdminActionHook;
}
