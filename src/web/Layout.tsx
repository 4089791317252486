// The application frame: header (product, node identity, role, language), left navigation
// built from nav.tsx, and the page outlet. Also keeps document.title in step.
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet, useLocation } from 'react-router';
import type { NodeInfo } from './api';
import { Icon } from './components/Icon';
import { LangSwitch } from './components/LangSwitch';
import { navSections, pageForPath, visibleEntries } from './nav';
import { useNodeInfo } from './nodeInfo';

function useIdentityText(info: NodeInfo | undefined): string | null {
  const { t } = useTranslation();
  if (!info) return null;
  if (info.role === 'hub') return t('identity.hub');
  return [info.regionName, info.regionCode].filter(Boolean).join(' · ');
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

export function Layout() {
  const { t } = useTranslation();
  const location = useLocation();
  const { data: info } = useNodeInfo();
  const identity = useIdentityText(info);
  const page = pageForPath(location.pathname);
  const pageTitle = page ? t(page.labelKey) : t('notFound.title');

  useEffect(() => {
    document.title = [pageTitle, identity, t('app.name')].filter(Boolean).join(' · ');
  }, [pageTitle, identity, t]);

  return (
    <div className="app">
      <header className="topbar">
        <Link className="brand" to="/" aria-label={t('app.name')}>
          <span className="brand__mark" aria-hidden="true">
            {t('app.mark')}
          </span>
          <span className="brand__name">{t('app.name')}</span>
          <span className="brand__tagline">{t('app.tagline')}</span>
        </Link>
        <NodeIdentity />
        <LangSwitch />
      </header>
      <div className="shell">
        <nav className="sidenav" aria-label={t('nav.label')}>
          {navSections.map((section) => {
            const entries = visibleEntries(section.entries, info?.role);
            if (entries.length === 0) return null;
            return (
              <div className="sidenav__section" key={section.id}>
                <div className="sidenav__title">{t(section.titleKey)}</div>
                <ul>
                  {entries.map((e) => (
                    <li key={e.id}>
                      {e.kind === 'page' ? (
                        <NavLink
                          to={e.path}
                          end
                          className={({ isActive }) => (isActive ? 'sidenav__link is-active' : 'sidenav__link')}
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
          <Outlet />
          <footer className="footer">
            <span>{t('footer.timeZoneNote')}</span>
            {info?.version && <span>{t('footer.version', { version: info.version })}</span>}
          </footer>
        </main>
      </div>
    </div>
  );
}
