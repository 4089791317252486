// Who is signed in (GET /api/session: a node's staff, the hub's operators), for the whole app: the header's user menu, the sign-in
// page, and <RequireUser> around pages that need a role. Any API call answering 401 ends the session here,
// so a page whose session expired sends the user to /login and back afterwards.
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation } from 'react-router';
import { ApiError, fetchSession, onUnauthenticated, signIn as apiSignIn, signOut as apiSignOut } from './api';
import type { SessionUser, UserRole } from './api';
import { Banner, ErrorPanel, Loading } from './components/ui';
import { Icon } from './components/Icon';

export type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous'; ended?: boolean }
  | { status: 'signed-in'; user: SessionUser; expiresAt: string }
  /** this server keeps no staff accounts (it has no /api/session) */
  | { status: 'unavailable' }
  | { status: 'error'; error: ApiError };

export interface SessionContextValue {
  state: SessionState;
  user: SessionUser | null;
  signIn(userId: string, password: string): Promise<SessionUser>;
  signOut(): Promise<void>;
  reload(): void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  // nodes and the hub both keep staff accounts (a node's staff, the hub's operators)
  useEffect(() => {
    const ctrl = new AbortController();
    fetchSession(ctrl.signal).then(
      (s) => {
        if (ctrl.signal.aborted) return;
        setState(s ? { status: 'signed-in', user: s.user, expiresAt: s.expiresAt } : { status: 'anonymous' });
      },
      (e: unknown) => {
        if (ctrl.signal.aborted) return;
        const err = e instanceof ApiError ? e : new ApiError({ kind: 'network', message: String(e) });
        setState(err.status === 404 ? { status: 'unavailable' } : { status: 'error', error: err });
      },
    );
    return () => ctrl.abort();
  }, [tick]);

  // a 401 from any API call: the session has ended (expired, signed out elsewhere, account disabled)
  useEffect(
    () =>
      onUnauthenticated(() =>
        setState((prev) => (prev.status === 'signed-in' ? { status: 'anonymous', ended: true } : prev)),
      ),
    [],
  );

  const signIn = useCallback(async (userId: string, password: string) => {
    const s = await apiSignIn(userId, password);
    setState({ status: 'signed-in', user: s.user, expiresAt: s.expiresAt });
    return s.user;
  }, []);

  const signOut = useCallback(async () => {
    try {
      await apiSignOut();
    } finally {
      setState({ status: 'anonymous' });
    }
  }, []);

  const value = useMemo<SessionContextValue>(
    () => ({ state, user: state.status === 'signed-in' ? state.user : null, signIn, signOut, reload }),
    [state, signIn, signOut, reload],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}

export function hasAnyRole(user: SessionUser | null, roles: readonly UserRole[] | undefined): boolean {
  if (!roles || roles.length === 0) return Boolean(user);
  return Boolean(user && roles.some((r) => user.roles.includes(r)));
}

/** /login?next=<where the user was>, so signing in brings them back. */
export function loginPath(next: string): string {
  return next && next !== '/' && !next.startsWith('/login') ? `/login?next=${encodeURIComponent(next)}` : '/login';
}

/**
 * A page that needs a signed-in user with one of `roles`: anonymous visitors are sent to /login
 * (and back afterwards); a user without the role sees why, not an empty page.
 */
export function RequireUser({ roles, children }: { roles: UserRole[]; children: ReactNode }) {
  const { t } = useTranslation();
  const { state, user, reload } = useSession();
  const location = useLocation();
  switch (state.status) {
    case 'loading':
      return (
        <div className="page">
          <Loading lines={4} />
        </div>
      );
    case 'unavailable':
      return (
        <div className="page">
          <Banner tone="info" title={t('session.noAccountsTitle')} testId="no-accounts">
            {t('session.noAccountsBody')}
          </Banner>
        </div>
      );
    case 'error':
      return (
        <div className="page">
          <ErrorPanel title={t('session.loadFailed')} error={state.error} onRetry={reload} />
        </div>
      );
    case 'anonymous':
      return <Navigate to={loginPath(location.pathname + location.search)} replace state={{ ended: state.ended === true }} />;
    default:
      break;
  }
  if (!hasAnyRole(user, roles)) {
    return (
      <div className="page" data-testid="forbidden">
        <div className="forbidden card">
          <Icon name="lock" size={28} className="forbidden__icon" />
          <h1 className="forbidden__title">{t('session.forbiddenTitle')}</h1>
          <p className="muted">
            {t('session.forbiddenBody', { roles: roles.map((r) => t(`roles.${r}`)).join(t('common.or')) })}
          </p>
          <p className="muted small">
            {t('session.yourRoles', { roles: user?.roles.map((r) => t(`roles.${r}`)).join(t('common.listSep')) || '—' })}
          </p>
          <Link className="btn" to="/">
            {t('notFound.back')}
          </Link>
        </div>
      </div>
    );
  }
  return <>{children}</>;
}
