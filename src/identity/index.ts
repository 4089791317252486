// identity owns local staff accounts — a node's window clerks, approvers, administrators and auditors,
// the hub's operators (each server's accounts hold only its own roles: rolesOf) — password hashing, sessions in an HttpOnly cookie, the sign-in throttle, `/api/session`, the
// `requireUser(...roles)` guard other routes use, the `tongban users` command and the demo's users.
// Federation-wide identity and cross-authorisation will extend these accounts.
export { identityRoutes, requireUser, currentUser, type IdentityRouteOptions, type IdentityService } from './routes.js';
export {
  USER_ROLES,
  NODE_ROLES,
  HUB_ROLES,
  rolesOf,
  LOCKOUT,
  createUser,
  disableUser,
  enableUser,
  getUser,
  listUsers,
  resetPassword,
  signIn,
  normaliseUserId,
  isUserRole,
  type SessionUser,
  type UserRole,
  type UserView,
  type NewUser,
  type SignInResult,
} from './users.js';
export { SESSION_COOKIE, SESSION_TTL_MS, createSession, resolveSession, deleteSession } from './sessions.js';
export { generatePassword, hashPassword, verifyPassword, passwordProblem } from './password.js';
export type { AdminAction, AdminActionEvent, AdminActionHook, AdminContext } from './events.js';
export { ensureDemoUsers, demoUsersPath, type DemoUser } from './demo-users.js';
export { identityMigration } from './migration.js';
export type { IdentityTables } from './schema.js';
