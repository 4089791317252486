// Tables of the identity capability (migration 003_identity): local staff accounts, their sessions,
// and the sign-in throttle. Timestamps are ISO-8601 UTC text like every other table.

/** A member of staff who signs in to this node (window clerk, approver, administrator, auditor). */
export interface AppUserTable {
  /** the login name, lower case: `sh-clerk`, `wangfang` */
  id: string;
  name: string;
  department: string;
  /** GB/T 2260 code of the region the user works for (the node's region) */
  region_code: string;
  /** JSON text array of roles: clerk | approver | admin | auditor */
  roles: string;
  /** `scrypt$N=…,r=…,p=…$<salt>$<hash>` (base64url), see password.ts */
  password_hash: string;
  created_at: string;
  /** also set when the password was changed by an administrator */
  updated_at: string;
  disabled_at: string | null;
  last_login_at: string | null;
}

/** A signed-in browser. Only the SHA-256 of the cookie's token is stored. */
export interface AppSessionTable {
  /** hex SHA-256 of the random 32-byte token in the tb_session cookie */
  token_hash: string;
  user_id: string;
  created_at: string;
  /** absolute expiry: created_at + 8 h */
  expires_at: string;
  last_seen_at: string;
}

/**
 * Failed sign-ins per attempted user id (existing or not, so that a lockout reveals nothing about
 * which ids exist). A row is deleted on a successful sign-in and pruned when stale.
 */
export interface AppLoginThrottleTable {
  /** hex SHA-256 of the attempted (normalised) user id: a mistyped password in the id field is not kept */
  key: string;
  window_started_at: string;
  failures: number;
  locked_until: string | null;
}

export interface IdentityTables {
  app_user: AppUserTable;
  app_session: AppSessionTable;
  app_login_throttle: AppLoginThrottleTable;
}
