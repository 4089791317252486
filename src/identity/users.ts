// Local accounts: create, list, disable/enable, reset passwords, and sign-in with the brute-force
// throttle. Works on any Kysely<TongbanDB> (the server's pool or the CLI's own connection).

import { createHash } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { TongbanError } from '../core/errors.js';
import { nowIso } from '../core/time.js';
import type { TongbanDB } from '../store/schema.js';
import type { Role } from '../config/index.js';
import type { AppUserTable } from './schema.js';
import type { AdminAction, AdminContext } from './events.js';
import { burnVerification, hashPassword, needsRehash, passwordProblem, verifyPassword } from './password.js';

/** A node's staff: window clerks, approvers, data administrators, auditors (监督员). */
export const NODE_ROLES = ['clerk', 'approver', 'admin', 'auditor'] as const;
/** The hub's staff: its operators (枢纽运维员), who decide on membership, and auditors (监督员), who read what was decided and the hub's log. */
export const HUB_ROLES = ['operator', 'auditor'] as const;
// auditor is on both: one role, one meaning (reads, decides nothing)
export const USER_ROLES = ['clerk', 'approver', 'admin', 'auditor', 'operator'] as const satisfies ReadonlyArray<(typeof NODE_ROLES)[number] | (typeof HUB_ROLES)[number]>;
export type UserRole = (typeof USER_ROLES)[number];

/** The roles a server's accounts may hold: a hub's only hub roles, a node's only node roles. */
export function rolesOf(server: Role): readonly UserRole[] {
  return server === 'hub' ? HUB_ROLES : NODE_ROLES;
}

/** What a signed-in request knows about its user (`request.user`). */
export interface SessionUser {
  id: string;
  name: string;
  department: string;
  regionCode: string;
  roles: UserRole[];
}

export interface UserView extends SessionUser {
  createdAt: string;
  disabledAt: string | null;
  lastLoginAt: string | null;
}

export const USER_ID_PATTERN = '^[a-z0-9][a-z0-9._-]{1,63}$';
const USER_ID = new RegExp(USER_ID_PATTERN);

/** Login ids are case-insensitive: stored and compared in lower case. */
export function normaliseUserId(raw: string): string {
  return raw.trim().toLowerCase();
}

export function isValidUserId(id: string): boolean {
  return USER_ID.test(id);
}

export function isUserRole(r: unknown): r is UserRole {
  return typeof r === 'string' && (USER_ROLES as readonly string[]).includes(r);
}

function parseRoles(text: string): UserRole[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter(isUserRole) : [];
  } catch {
    return [];
  }
}

function toView(row: Selectable<AppUserTable>): UserView {
  return {
    id: row.id,
    name: row.name,
    department: row.department,
    regionCode: row.region_code,
    roles: parseRoles(row.roles),
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
    lastLoginAt: row.last_login_at,
  };
}

export function sessionUserOf(u: UserView): SessionUser {
  return { id: u.id, name: u.name, department: u.department, regionCode: u.regionCode, roles: u.roles };
}

async function report(ctx: AdminContext, action: AdminAction, target: string, regionCode: string, detail?: Record<string, unknown>): Promise<void> {
  await ctx.onAdminAction?.({ category: 'admin', action, actor: ctx.actor, target, regionCode, at: nowIso(), ...(detail ? { detail } : {}) });
}

export interface NewUser {
  /** the server the account is on: it decides which roles the account may hold (rolesOf) */
  server: Role;
  id: string;
  name: string;
  department: string;
  regionCode: string;
  roles: UserRole[];
  password: string;
}

function checkNewUser(u: NewUser): void {
  if (!isValidUserId(u.id)) {
    throw new TongbanError('E_INVALID_REQUEST', `user id "${u.id}" must be 2–64 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit`);
  }
  if (!u.name.trim() || [...u.name].length > 64) throw new TongbanError('E_INVALID_REQUEST', 'name must be 1–64 characters');
  if (!u.department.trim() || [...u.department].length > 128) throw new TongbanError('E_INVALID_REQUEST', 'department must be 1–128 characters');
  if (!/^[0-9]{6}$/.test(u.regionCode)) throw new TongbanError('E_INVALID_REQUEST', 'region code must be 6 digits');
  const allowed = rolesOf(u.server);
  if (u.roles.length === 0) throw new TongbanError('E_INVALID_REQUEST', `at least one role is needed: ${allowed.join(', ')}`);
  const bad = u.roles.filter((r) => !isUserRole(r));
  if (bad.length) throw new TongbanError('E_INVALID_REQUEST', `unknown role ${bad.join(', ')}; roles are ${USER_ROLES.join(', ')}`);
  const elsewhere = u.roles.filter((r) => !allowed.includes(r));
  if (elsewhere.length) {
    throw new TongbanError('E_INVALID_REQUEST', `role ${elsewhere.join(', ')} is not for a ${u.server}'s accounts; a ${u.server}'s accounts hold ${allowed.join(', ')}`);
  }
  const problem = passwordProblem(u.password, u.id);
  if (problem) throw new TongbanError('E_INVALID_REQUEST', problem.en);
}

export async function createUser(db: Kysely<TongbanDB>, input: NewUser, ctx: AdminContext): Promise<UserView> {
  const u = { ...input, id: normaliseUserId(input.id), name: input.name.trim(), department: input.department.trim(), roles: [...new Set(input.roles)] };
  checkNewUser(u);
  const now = nowIso();
  const hash = await hashPassword(u.password);
  const exists = await db.selectFrom('app_user').select('id').where('id', '=', u.id).executeTakeFirst();
  if (exists) throw new TongbanError('E_CONFLICT', `user ${u.id} already exists`);
  try {
    await db
      .insertInto('app_user')
      .values({
        id: u.id,
        name: u.name,
        department: u.department,
        region_code: u.regionCode,
        roles: JSON.stringify(u.roles),
        password_hash: hash,
        created_at: now,
        updated_at: now,
        disabled_at: null,
        last_login_at: null,
      })
      .execute();
  } catch (e) {
    // a concurrent create of the same id (primary key)
    if (await db.selectFrom('app_user').select('id').where('id', '=', u.id).executeTakeFirst()) {
      throw new TongbanError('E_CONFLICT', `user ${u.id} already exists`, { cause: e });
    }
    throw e;
  }
  await report(ctx, 'user.created', u.id, u.regionCode, { roles: u.roles, department: u.department });
  return (await getUser(db, u.id))!;
}

export async function getUser(db: Kysely<TongbanDB>, id: string): Promise<UserView | undefined> {
  const row = await db.selectFrom('app_user').selectAll().where('id', '=', normaliseUserId(id)).executeTakeFirst();
  return row ? toView(row) : undefined;
}

export async function listUsers(db: Kysely<TongbanDB>): Promise<UserView[]> {
  const rows = await db.selectFrom('app_user').selectAll().orderBy('id').execute();
  return rows.map(toView);
}

async function mustGet(db: Kysely<TongbanDB>, id: string): Promise<UserView> {
  const u = await getUser(db, id);
  if (!u) throw new TongbanError('E_NOT_FOUND', `no user ${normaliseUserId(id)}`);
  return u;
}

/** Disables an account and ends its sessions at once. Idempotent. */
export async function disableUser(db: Kysely<TongbanDB>, id: string, ctx: AdminContext): Promise<UserView> {
  const u = await mustGet(db, id);
  const now = nowIso();
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('app_user').set({ disabled_at: u.disabledAt ?? now, updated_at: now }).where('id', '=', u.id).execute();
    await tx.deleteFrom('app_session').where('user_id', '=', u.id).execute();
  });
  if (!u.disabledAt) await report(ctx, 'user.disabled', u.id, u.regionCode);
  return mustGet(db, u.id);
}

export async function enableUser(db: Kysely<TongbanDB>, id: string, ctx: AdminContext): Promise<UserView> {
  const u = await mustGet(db, id);
  if (u.disabledAt) {
    await db.updateTable('app_user').set({ disabled_at: null, updated_at: nowIso() }).where('id', '=', u.id).execute();
    await report(ctx, 'user.enabled', u.id, u.regionCode);
  }
  return mustGet(db, u.id);
}

/** Sets a new password (checked against the rules), ends the user's sessions and clears a lockout. */
export async function resetPassword(db: Kysely<TongbanDB>, id: string, password: string, ctx: AdminContext): Promise<UserView> {
  const u = await mustGet(db, id);
  const problem = passwordProblem(password, u.id);
  if (problem) throw new TongbanError('E_INVALID_REQUEST', problem.en);
  const hash = await hashPassword(password);
  const now = nowIso();
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('app_user').set({ password_hash: hash, updated_at: now }).where('id', '=', u.id).execute();
    await tx.deleteFrom('app_session').where('user_id', '=', u.id).execute();
    await tx.deleteFrom('app_login_throttle').where('key', '=', throttleKey(u.id)).execute();
  });
  await report(ctx, 'user.password-reset', u.id, u.regionCode);
  return u;
}

// ---- sign-in and its throttle -------------------------------------------------------------------

export const LOCKOUT = {
  /** failures within the window that lock the user id */
  maxFailures: 5,
  windowMs: 15 * 60 * 1000,
  lockMs: 15 * 60 * 1000,
} as const;

export type SignInResult =
  | { ok: true; user: SessionUser }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; retryAfterSeconds: number };

/** Throttle rows are keyed by a digest of the attempted id, so a password typed into the id field is not stored. */
export function throttleKey(userId: string): string {
  return createHash('sha256').update(`tongban.login:${normaliseUserId(userId)}`).digest('hex');
}

/**
 * Checks a user id and password. The outcome says nothing about whether the id exists: unknown,
 * disabled and wrong-password attempts take the same time, count towards the same lockout, and all
 * come back as `invalid`. After LOCKOUT.maxFailures failures within LOCKOUT.windowMs the id is
 * refused (`locked`) for LOCKOUT.lockMs, even with the right password.
 */
export async function signIn(db: Kysely<TongbanDB>, rawId: string, password: string, at: Date = new Date()): Promise<SignInResult> {
  const id = normaliseUserId(rawId);
  const key = throttleKey(id);
  const now = nowIso(at);
  const throttle = await db.selectFrom('app_login_throttle').selectAll().where('key', '=', key).executeTakeFirst();
  if (throttle?.locked_until && throttle.locked_until > now) {
    return { ok: false, reason: 'locked', retryAfterSeconds: Math.max(1, Math.ceil((Date.parse(throttle.locked_until) - at.getTime()) / 1000)) };
  }
  // The attempt is counted before the password is checked: attempts sent at once cannot all pass the
  // lock check above while the (slow) checks run, so at most maxFailures passwords are tried a window.
  const attempt = await countAttempt(db, key, at);
  if (attempt > LOCKOUT.maxFailures) return { ok: false, reason: 'locked', retryAfterSeconds: LOCKOUT.lockMs / 1000 };
  const row = isValidUserId(id) ? await db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst() : undefined;
  let good = false;
  if (row && !row.disabled_at) good = await verifyPassword(password, row.password_hash);
  else await burnVerification(password);

  if (!good) {
    if (attempt >= LOCKOUT.maxFailures) {
      await lock(db, key, at);
      return { ok: false, reason: 'locked', retryAfterSeconds: LOCKOUT.lockMs / 1000 };
    }
    return { ok: false, reason: 'invalid' };
  }
  const changes: { last_login_at: string; password_hash?: string } = { last_login_at: now };
  if (needsRehash(row!.password_hash)) changes.password_hash = await hashPassword(password);
  await db.updateTable('app_user').set(changes).where('id', '=', id).execute();
  // a success clears the attempts counted so far
  await db.deleteFrom('app_login_throttle').where('key', '=', key).execute();
  return { ok: true, user: sessionUserOf(toView(row!)) };
}

/** Counts one attempt (atomically, on both engines) and returns its number within the current window. */
async function countAttempt(db: Kysely<TongbanDB>, key: string, at: Date): Promise<number> {
  const now = nowIso(at);
  const windowStart = nowIso(new Date(at.getTime() - LOCKOUT.windowMs));
  // stale rows are of no further use: a window over with no lock in force, or a lock that has run out
  // (whatever the window: a lock shorter than the window must not leave the id refused until it ends)
  await db
    .deleteFrom('app_login_throttle')
    .where((eb) => eb.or([
      eb.and([eb('window_started_at', '<', windowStart), eb('locked_until', 'is', null)]),
      eb('locked_until', '<=', now),
    ]))
    .execute();
  const row = await db
    .insertInto('app_login_throttle')
    .values({ key, window_started_at: now, failures: 1, locked_until: null })
    .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ failures: eb('app_login_throttle.failures', '+', 1) })))
    .returning('failures')
    .executeTakeFirstOrThrow();
  return Number(row.failures);
}

/** Locks the id for LOCKOUT.lockMs (an earlier lock still in force is kept). */
async function lock(db: Kysely<TongbanDB>, key: string, at: Date): Promise<void> {
  const now = nowIso(at);
  await db
    .updateTable('app_login_throttle')
    .set({ locked_until: nowIso(new Date(at.getTime() + LOCKOUT.lockMs)) })
    .where('key', '=', key)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .execute();
}
