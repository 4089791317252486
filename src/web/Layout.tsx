// The application frame: header (product, node identity, role, signed-in user, language), left
// navigation built from nav.tsx, and the page outlet. Also keeps document.title in step.
import { Suspense, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet, ScrollRestoration, useLocation, useNavigate } from 'react-router';
import type { NodeInfo } from './api';
import { useRegionName } from './catalog/labels';
import { Icon } from './components/Icon';
import { Loading } from './components/ui';
import { LangSwitch } from './components/LangSwitch';
import { activeNavId, navSections, pageForPath, sectionTitleKey, visibleEntries } from './nav';
import { useNodeInfo } from './nodeInfo';
import { loginPath, useSession } from './session';

function useIdentityText(info: NodeInfo | undefined): string | null {
  const { t } = useTranslation();
  const regionName = useRegionName();
  if (!info) return null;
  if (info.role === 'hub') return t('identity.hub');
  return [regionName(info.regionCode, info.regionName), info.regionCode].filter(Boolean).join(' · ');
}

function NodeIdentity() {
  const { t } = useTranslation();
  const { data: info, error, loading } = useNodeInfo();
  const identity = useIdentityText(info);
  if (!info) {
    return (
      <div className="identity" data-testid="node-identity">
        <span className={error ? 'identity__name identity__name--error' : 'identity__name muted'}>
          {loading ? t('common.loading') : t('identity.unavailable')}
        </span>
      </div>
    );
  }
  return (
    <div className="identity" data-testid="node-identity" data-role={info.role} data-region={info.regionCode}>
      <span className="identity__name" title={info.role === 'hub' ? info.regionCode : (identity ?? undefined)}>
        {identity}
      </span>
      <span className={`role-badge role-badge--${info.role}`} data-testid="role-badge">
        {info.role === 'hub' ? t('role.hub') : t('role.node')}
      </span>
    </div>
  );
}

function UserMenu() {
  const { t } = useTranslation();
  const { state, user, signOut } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  if (state.status === 'unavailable' || state.status === 'loading' || state.status === 'error') return null;
  if (!user) {
    if (location.pathname === '/login') return null;
    return (
      <Link className="user-menu__signin" to={loginPath(location.pathname + location.search)} data-testid="sign-in-link">
        <Icon name="login" size={15} />
        {t('session.signIn')}
      </Link>
    );
  }
  const onSignOut = async () => {
    setBusy(true);
    try {
      await signOut();
    } finally {
      setBusy(false);
      navigate('/login', { replace: true });
    }
  };
  return (
    <div className="user-menu" data-testid="user-menu" data-user={user.id}>
      <span className="user-menu__avatar" aria-hidden="true">
        {[...user.name][0] ?? '?'}
      </span>
      <span className="user-menu__text">
        <span className="user-menu__name" data-testid="user-name">
          {user.name}
        </span>
        <span className="user-menu__dept" data-testid="user-department" title={user.department}>
          {user.department}
        </span>
      </span>
      <button type="button" className="user-menu__out" onClick={onSignOut} disabled={busy} data-testid="sign-out" title={t('session.signOut')}>
        <Icon name="logout" size={15} />
        <span className="user-menu__out-label">{t('session.signOut')}</span>
      </button>
    </div>
  );
}

/** Scrolls a row that scrolls sideways (and only it) so that `el` is inside it, with a little of its neighbours. */
function revealInRow(row: HTMLElement, el: HTMLElement) {
  if (row.scrollWidth <= row.clientWidth) return;
  const r = row.getBoundingClientRect();
  const e = el.getBoundingClientRect();
  const margin = 24;
  if (e.left < r.left) row.scrollLeft -= r.left - e.left + margin;
  else if (e.right > r.right) row.scrollLeft += e.right - r.right + margin;
}

export function Layout() {
  const { t, i18n } = useTranslation();
  const location = useLocation();
  const { data: info } = useNodeInfo();
  const { user } = useSession();
  const identity = useIdentityText(info);
  const page = pageForPath(location.pathname);
  const pageTitle = page ? t(page.titleKey) : t('notFound.title');

  useEffect(() => {
    document.title = [pageTitle, identity, t('app.name')].filter(Boolean).join(' · ');
  }, [pageTitle, identity, t]);

  // On a phone the navigation is one row that scrolls sideways: the current page's tab is brought into
  // view (also when entries come and go with the role and the user, or change width with the language).
  // Only the row scrolls, never the page.
  const navRef = useRef<HTMLElement>(null);
  const navId = activeNavId(page, info?.role, user);
  useEffect(() => {
    const nav = navRef.current;
    const active = nav?.querySelector<HTMLElement>('.sidenav__link.is-active');
    if (nav && active) revealInRow(nav, active);
  }, [navId, info?.role, user, i18n.language]);

  return (
    <div className="app">
      <ScrollRestoration />
      <header className="topbar">
        <Link className="brand" to="/" aria-label={t('app.name')}>
          <span className="brand__mark" aria-hidden="true">
            {t('app.mark')}
          </span>
          <span className="brand__name">{t('app.name')}</span>
          <span className="brand__tagline">{t('app.tagline')}</span>
        </Link>
        <NodeIdentity />
        <UserMenu />
        <LangSwitch />
      </header>
      <div className="shell">
        <nav className="sidenav" aria-label={t('nav.label')} ref={navRef} data-testid="sidenav">
          {navSections.map((section) => {
            const entries = visibleEntries(section.entries, info?.role, user);
            if (entries.length === 0) return null;
            return (
              <div className="sidenav__section" key={section.id}>
                <div className="sidenav__title" data-testid={`nav-section-${section.id}`}>
                  {t(sectionTitleKey(section, info?.role))}
                </div>
                <ul>
                  {entries.map((e) => (
                    <li key={e.id}>
                      {e.kind === 'page' ? (
                        <NavLink
                          to={e.path}
                          end
                          className={({ isActive }) => (isActive || navId === e.id ? 'sidenav__link is-active' : 'sidenav__link')}
                          data-testid={`nav-${e.id}`}
                        >
                          <Icon name={e.icon} />
                          <span>{t(e.labelKey)}</span>
                        </NavLink>
                      ) : (
                        <a className="sidenav__link" href={e.href} target="_blank" rel="noopener" data-testid={`nav-${e.id}`}>
                          <Icon name={e.icon} />
                          <span>{t(e.labelKey)}</span>
                          <Icon name="external" size={13} className="sidenav__ext" />
                          <span className="visually-hidden">{t('nav.opensInNewWindow')}</span>
                        </a>
                      )}
                    </li>
                  ))}
                </ul>
              </div>
            );
          })}
        </nav>
        <main className="main" id="main">
          <Suspense fallback={<Loading />}>
            <Outlet />
          </Suspense>
          <footer className="footer">
            <span>{t('footer.timeZoneNote')}</span>
            {info?.version && <span>{t('footer.version', { version: info.version })}</span>}
          </footer>
        </main>
      </div>
    </div>
  );
}
