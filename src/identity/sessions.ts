// Sessions: a random 32-byte token in an HttpOnly, SameSite=Strict cookie; the database keeps only
// its SHA-256, so a copy of the database cannot be replayed as a session. Absolute expiry of 8 hours.

import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { prepareQuery, type Param } from '../store/prepared.js';
import { nowIso } from '../core/time.js';
import type { TongbanDB } from '../store/schema.js';
import { isUserRole, type SessionUser, type UserRole } from './users.js';

export const SESSION_COOKIE = 'tb_session';
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
/** last_seen_at is written at most this often per session (not on every request) */
const TOUCH_INTERVAL_MS = 60 * 1000;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createSession(db: Kysely<TongbanDB>, userId: string, at: Date = new Date()): Promise<{ token: string; expiresAt: string }> {
  const token = randomBytes(32).toString('base64url');
  const now = nowIso(at);
  const expiresAt = nowIso(new Date(at.getTime() + SESSION_TTL_MS));
  await db.insertInto('app_session').values({ token_hash: hashSessionToken(token), user_id: userId, created_at: now, expires_at: expiresAt, last_seen_at: now }).execute();
  // expired sessions are removed whenever someone signs in
  await db.deleteFrom('app_session').where('expires_at', '<=', now).execute();
  return { token, expiresAt };
}

// every signed-in request resolves its session: the lookup is built once per database handle
const sessionLookups = new WeakMap<Kysely<TongbanDB>, ReturnType<typeof buildSessionLookup>>();
function buildSessionLookup(db: Kysely<TongbanDB>) {
  return prepareQuery((p: Param<'hash'>) =>
    db
      .selectFrom('app_session as s')
      .innerJoin('app_user as u', 'u.id', 's.user_id')
      .select(['s.expires_at', 's.last_seen_at', 'u.id', 'u.name', 'u.department', 'u.region_code', 'u.roles', 'u.disabled_at'])
      .where('s.token_hash', '=', p('hash')),
  );
}
function sessionLookup(db: Kysely<TongbanDB>) {
  let q = sessionLookups.get(db);
  if (!q) sessionLookups.set(db, (q = buildSessionLookup(db)));
  return q;
}

/** The user behind a session token, or null when the token is unknown, expired or its user disabled. */
export async function resolveSession(db: Kysely<TongbanDB>, token: string, at: Date = new Date()): Promise<{ user: SessionUser; expiresAt: string } | null> {
  if (!TOKEN.test(token)) return null;
  const now = nowIso(at);
  const hash = hashSessionToken(token);
  const row = (await db.executeQuery(sessionLookup(db)({ hash }))).rows[0];
  if (!row || row.expires_at <= now || row.disabled_at) return null;
  if (Date.parse(row.last_seen_at) + TOUCH_INTERVAL_MS < at.getTime()) {
    await db.updateTable('app_session').set({ last_seen_at: now }).where('token_hash', '=', hash).execute();
  }
  let roles: UserRole[] = [];
  try {
    const parsed: unknown = JSON.parse(row.roles);
    if (Array.isArray(parsed)) roles = parsed.filter(isUserRole);
  } catch {
    roles = [];
  }
  return { user: { id: row.id, name: row.name, department: row.department, regionCode: row.region_code, roles }, expiresAt: row.expires_at };
}

export async function deleteSession(db: Kysely<TongbanDB>, token: string): Promise<void> {
  if (!TOKEN.test(token)) return;
  await db.deleteFrom('app_session').where('token_hash', '=', hashSessionToken(token)).execute();
}

// ---- the cookie ---------------------------------------------------------------------------------

/** The value of one cookie from a Cookie header (no dependency; names and tokens are plain ASCII). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return undefined;
}

export function sessionCookie(token: string, opts: { secure: boolean; maxAgeSeconds: number }): string {
  return [`${SESSION_COOKIE}=${token}`, 'Path=/', `Max-Age=${Math.max(0, Math.floor(opts.maxAgeSeconds))}`, 'HttpOnly', 'SameSite=Strict', ...(opts.secure ? ['Secure'] : [])].join('; ');
}

export function clearedSessionCookie(opts: { secure: boolean }): string {
  return sessionCookie('', { secure: opts.secure, maxAgeSeconds: 0 });
}
