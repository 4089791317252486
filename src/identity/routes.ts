// HTTP surface of identity on a node or the hub: sign in, who am I, sign out (`/api/session`), and
// `requireUser(...roles)`, the preHandler every other application route uses to demand a signed-in
// user with one of the given roles. Registered on the root app (not encapsulated) so that the
// session resolver and `request.user` are available to every plugin registered after it.

import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import { TongbanError } from '../core/errors.js';
import { errorResponses, type App } from '../http/app.js';
import type { TongbanDB } from '../store/schema.js';
import type { AdminActionHook } from './events.js';
import { clearedSessionCookie, createSession, deleteSession, readCookie, resolveSession, SESSION_COOKIE, SESSION_TTL_MS, sessionCookie } from './sessions.js';
import { signIn, USER_ROLES, type SessionUser, type UserRole } from './users.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** the signed-in user; set by requireUser (null on routes that do not ask for one) */
    user: SessionUser | null;
  }
  interface FastifyInstance {
    /** resolves a request's session cookie; present where identityRoutes is registered (nodes and the hub) */
    identity?: IdentityService;
  }
}

export interface IdentityService {
  /** the user of the request's session cookie, or null */
  userOf(req: FastifyRequest): Promise<SessionUser | null>;
  /** the hook administrative actions on this server are reported to (as wired by start.ts) */
  onAdminAction?: AdminActionHook;
}

export interface IdentityRouteOptions {
  db: Kysely<TongbanDB>;
  /** the server's public URL: an https URL makes the session cookie Secure for every request */
  publicUrl?: () => string;
  /** where administrative actions are reported (the audit log); see events.ts */
  onAdminAction?: AdminActionHook;
}

const UserSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    department: Type.String(),
    regionCode: Type.String(),
    roles: Type.Array(Type.Enum([...USER_ROLES])),
  },
);
const SessionBody = Type.Object({ user: UserSchema, expiresAt: Type.String({ description: 'absolute end of the session (UTC)' }) });
/** GET /api/session: the same, or both null when this browser is not signed in */
const CurrentSessionBody = Type.Object({
  user: Type.Union([UserSchema, Type.Null()]),
  expiresAt: Type.Union([Type.String({ description: 'absolute end of the session (UTC)' }), Type.Null()]),
});
const SignInBody = Type.Object(
  {
    userId: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);

/** A short digest standing for an attempted user id in logs (the id itself may be a mistyped password). */
function idDigest(id: string): string {
  return createHash('sha256').update(id.trim().toLowerCase()).digest('hex').slice(0, 12);
}

function isSecure(req: FastifyRequest, publicUrl: (() => string) | undefined): boolean {
  if (req.protocol === 'https') return true;
  const fwd = req.headers['x-forwarded-proto'];
  if (typeof fwd === 'string' && fwd.split(',')[0]?.trim() === 'https') return true;
  return Boolean(publicUrl?.().startsWith('https://'));
}

async function identityPlugin(app: App, opts: IdentityRouteOptions): Promise<void> {
  const service: IdentityService = {
    async userOf(req) {
      const token = readCookie(req.headers.cookie, SESSION_COOKIE);
      if (!token) return null;
      return (await resolveSession(opts.db, token))?.user ?? null;
    },
    ...(opts.onAdminAction ? { onAdminAction: opts.onAdminAction } : {}),
  };
  app.decorate('identity', service);
  app.decorateRequest('user', null);

  app.post(
    '/api/session',
    {
      schema: {
        tags: ['identity'],
        summary: 'Sign in with a local account; sets the HttpOnly tb_session cookie (8 h)',
        description:
          'Wrong user id or password: 401 E_UNAUTHENTICATED, whether or not the account exists. After 5 failures for one user id within 15 minutes, sign-ins for it are refused for 15 minutes with 429 E_RATE_LIMITED (Retry-After).',
        body: SignInBody,
        response: { 200: SessionBody, ...errorResponses(400, 401, 429) },
      },
    },
    async (req, reply) => {
      const result = await signIn(opts.db, req.body.userId, req.body.password);
      if (!result.ok) {
        if (result.reason === 'locked') {
          req.log.warn({ event: 'sign-in.locked', userIdDigest: idDigest(req.body.userId) }, 'sign-in refused: too many failures');
          throw new TongbanError('E_RATE_LIMITED', `sign-in for this user id is locked for ${Math.ceil(result.retryAfterSeconds / 60)} min after repeated failures`, { retryAfterSeconds: result.retryAfterSeconds });
        }
        req.log.info({ event: 'sign-in.failed', userIdDigest: idDigest(req.body.userId) }, 'sign-in failed');
        throw new TongbanError('E_UNAUTHENTICATED', 'wrong user id or password');
      }
      const session = await createSession(opts.db, result.user.id);
      req.log.info({ event: 'sign-in', userId: result.user.id }, 'signed in');
      reply.header('set-cookie', sessionCookie(session.token, { secure: isSecure(req, opts.publicUrl), maxAgeSeconds: SESSION_TTL_MS / 1000 }));
      reply.header('cache-control', 'no-store');
      return { user: result.user, expiresAt: session.expiresAt };
    },
  );

  app.get(
    '/api/session',
    {
      schema: {
        tags: ['identity'],
        summary: 'The signed-in user of this browser: user and expiresAt are null when it is not signed in',
        description:
          'Not being signed in is an answer, not an error: no cookie, or one whose session has ended (expired, signed out, account disabled), gives 200 with user null, so that public pages asking who is there do not fail. Routes that need a user still answer 401.',
        response: { 200: CurrentSessionBody },
      },
    },
    async (req, reply) => {
      const token = readCookie(req.headers.cookie, SESSION_COOKIE);
      const s = token ? await resolveSession(opts.db, token) : null;
      reply.header('cache-control', 'no-store');
      return s ? { user: s.user, expiresAt: s.expiresAt } : { user: null, expiresAt: null };
    },
  );

  app.delete(
    '/api/session',
    {
      schema: {
        tags: ['identity'],
        summary: 'Sign out: ends the session and clears the cookie (204 even when there was none)',
        response: { 204: Type.Null() },
      },
    },
    async (req, reply) => {
      const token = readCookie(req.headers.cookie, SESSION_COOKIE);
      if (token) await deleteSession(opts.db, token);
      reply.header('set-cookie', clearedSessionCookie({ secure: isSecure(req, opts.publicUrl) }));
      return reply.code(204).send(null);
    },
  );
}

// Registered without encapsulation (what fastify-plugin does), so `app.identity` and
// `request.user` exist for the routes of every later plugin.
(identityPlugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
(identityPlugin as unknown as Record<symbol, string>)[Symbol.for('fastify.display-name')] = 'tongban-identity';

export const identityRoutes = identityPlugin;

/**
 * preHandler for routes that need a signed-in user: resolves the tb_session cookie to
 * `request.user`, and refuses with 401 E_UNAUTHENTICATED (no or ended session) or 403 E_FORBIDDEN
 * (none of `roles`). With no roles any signed-in user passes. Roles do not imply each other: an
 * admin is not a clerk unless given both. Deny by default: on a server without identityRoutes every
 * request is refused.
 *
 *   app.post('/api/exchange/requests', { preHandler: requireUser('clerk'), schema: … }, handler)
 */
export function requireUser(...roles: UserRole[]): (req: FastifyRequest) => Promise<void> {
  const wanted = [...roles];
  return async function requireUserHandler(req: FastifyRequest): Promise<void> {
    const identity = req.server.identity;
    if (!identity) {
      req.log.error('requireUser on a server without identity routes: refusing');
      throw new TongbanError('E_UNAUTHENTICATED', 'this server has no user accounts');
    }
    const user = await identity.userOf(req);
    if (!user) throw new TongbanError('E_UNAUTHENTICATED', 'sign in first');
    if (wanted.length > 0 && !wanted.some((r) => user.roles.includes(r))) {
      throw new TongbanError('E_FORBIDDEN', `needs role ${wanted.join(' or ')}`);
    }
    req.user = user;
  };
}

/** The signed-in user of a route behind requireUser (throws E_UNAUTHENTICATED if there is none). */
export function currentUser(req: FastifyRequest): SessionUser {
  if (!req.user) throw new TongbanError('E_UNAUTHENTICATED', 'sign in first');
  return req.user;
}
