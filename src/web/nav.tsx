// The one list the navigation, the routes and the page titles are built from. A new
// capability adds its page here (with the server role and user roles it applies to) and nothing
// else changes. Pages outside the navigation (sign-in, a result) are in `otherRoutes`.
import { lazy, type ComponentType, type ReactNode } from 'react';
import type { ParseKeys } from 'i18next';
import { matchPath } from 'react-router';
import type { Role, SessionUser, UserRole } from './api';
import type { IconName } from './components/Icon';
import { FederationPage } from './pages/FederationPage';
import { LoginPage } from './pages/LoginPage';
import { OverviewPage } from './pages/OverviewPage';
import { RequireUser } from './session';
import { HUB_OPERATOR } from './hub/api';
import { AUDIT_LOG_PATH } from './audit/search';

// The capability pages load on first visit (Layout shows a placeholder meanwhile), so the first
// page a visitor opens does not wait for every screen of the console.
function lazyNamed<M, K extends keyof M>(load: () => Promise<M>, name: K) {
  return lazy(async () => ({ default: (await load())[name] as ComponentType<object> }));
}
const catalogPages = () => import('./pages/catalog/pages');
const CatalogEntryPage = lazyNamed(catalogPages, 'CatalogEntryPage');
const CatalogListPage = lazyNamed(catalogPages, 'CatalogListPage');
const ImportPage = lazyNamed(catalogPages, 'ImportPage');
const ResourceEditPage = lazyNamed(catalogPages, 'ResourceEditPage');
const ItemEditPage = lazyNamed(catalogPages, 'ItemEditPage');
const exchangePages = () => import('./pages/exchange/pages');
const ExchangePage = lazyNamed(exchangePages, 'ExchangePage');
const ExchangeResultPage = lazyNamed(exchangePages, 'ExchangeResultPage');
const portalPages = () => import('./pages/portal/pages');
const PortalPage = lazyNamed(portalPages, 'PortalPage');
const PortalCertificatePage = lazyNamed(portalPages, 'PortalCertificatePage');
const PortalItemPage = lazyNamed(portalPages, 'PortalItemPage');
const PortalResourcePage = lazyNamed(portalPages, 'PortalResourcePage');
const SourcesPage = lazyNamed(() => import('./pages/sources/SourcesPage'), 'SourcesPage');
const HubMembersPage = lazyNamed(() => import('./pages/hub/HubMembersPage'), 'HubMembersPage');
const AuditPage = lazyNamed(() => import('./pages/audit/AuditPage'), 'AuditPage');
const AuditLogPage = lazyNamed(() => import('./pages/audit/AuditLogPage'), 'AuditLogPage');

export interface PageEntry {
  kind: 'page';
  id: string;
  /** Absolute path; "/" is the index route. */
  path: string;
  labelKey: ParseKeys;
  icon: IconName;
  element: ReactNode;
  /** Server roles the page applies to; absent = hub and node. */
  roles?: Role[];
  /** User roles the page needs (the element enforces it); absent = public. */
  userRoles?: UserRole[];
}

export interface ExternalEntry {
  kind: 'external';
  id: string;
  /** Served by the same server but outside the SPA, so opened as a normal link. */
  href: string;
  labelKey: ParseKeys;
  icon: IconName;
  roles?: Role[];
  userRoles?: UserRole[];
}

export type NavEntry = PageEntry | ExternalEntry;

export interface NavSection {
  id: string;
  titleKey: ParseKeys;
  /** the title on a server of this role, where `titleKey` would say the wrong thing (本节点 on the hub) */
  roleTitleKeys?: Partial<Record<Role, ParseKeys>>;
  entries: NavEntry[];
}

/** A section's title on this server; while the role is unknown, the default. */
export function sectionTitleKey(section: NavSection, role: Role | undefined): ParseKeys {
  return (role && section.roleTitleKeys?.[role]) || section.titleKey;
}

const CLERK: UserRole[] = ['clerk'];
/** 目录管理: data administrators edit and import, approvers review */
const CATALOG_STAFF: UserRole[] = ['admin', 'approver'];
const CATALOG_ADMIN: UserRole[] = ['admin'];
/** 数据源状态: the node's data administrators (the server answers 403 to anyone else) */
const SOURCES_ADMIN: UserRole[] = ['admin'];
/** 审计与存证 and 审计日志: the node's data administrators (who declare a restore) and its auditors */
const AUDIT_STAFF: UserRole[] = ['admin', 'auditor'];
/** one exchange's result: the clerk who made it, or an auditor (who opens it from the audit log) */
const EXCHANGE_READERS: UserRole[] = ['clerk', 'auditor'];

export const navSections: NavSection[] = [
  {
    id: 'node',
    titleKey: 'nav.sectionNode',
    roleTitleKeys: { hub: 'nav.sectionHub' },
    entries: [
      { kind: 'page', id: 'overview', path: '/', labelKey: 'nav.overview', icon: 'overview', element: <OverviewPage /> },
      { kind: 'page', id: 'federation', path: '/federation', labelKey: 'nav.federation', icon: 'federation', element: <FederationPage /> },
      {
        kind: 'page',
        id: 'audit',
        path: '/audit',
        labelKey: 'nav.audit',
        icon: 'audit',
        roles: ['node'],
        userRoles: AUDIT_STAFF,
        element: (
          <RequireUser roles={AUDIT_STAFF}>
            <AuditPage />
          </RequireUser>
        ),
      },
      {
        kind: 'page',
        id: 'audit-log',
        path: AUDIT_LOG_PATH,
        labelKey: 'nav.auditLog',
        icon: 'list',
        roles: ['node'],
        userRoles: AUDIT_STAFF,
        element: (
          <RequireUser roles={AUDIT_STAFF}>
            <AuditLogPage />
          </RequireUser>
        ),
      },
    ],
  },
  {
    id: 'public',
    titleKey: 'nav.sectionPublic',
    entries: [{ kind: 'page', id: 'portal', path: '/portal', labelKey: 'nav.portal', icon: 'search', element: <PortalPage /> }],
  },
  {
    id: 'work',
    titleKey: 'nav.sectionWork',
    entries: [
      {
        kind: 'page',
        id: 'exchange',
        path: '/exchange',
        labelKey: 'nav.exchange',
        icon: 'exchange',
        roles: ['node'],
        userRoles: CLERK,
        element: (
          <RequireUser roles={CLERK}>
            <ExchangePage />
          </RequireUser>
        ),
      },
      {
        kind: 'page',
        id: 'catalog',
        path: '/catalog',
        labelKey: 'nav.catalog',
        icon: 'catalog',
        roles: ['node'],
        userRoles: CATALOG_STAFF,
        element: (
          <RequireUser roles={CATALOG_STAFF}>
            <CatalogListPage />
          </RequireUser>
        ),
      },
      {
        kind: 'page',
        id: 'sources',
        path: '/sources',
        labelKey: 'nav.sources',
        icon: 'database',
        roles: ['node'],
        userRoles: SOURCES_ADMIN,
        // any signed-in user may open the URL; the server decides, and the page says "administrators only" on its 403
        element: (
          <RequireUser roles={[]}>
            <SourcesPage />
          </RequireUser>
        ),
      },
    ],
  },
  {
    // the hub operator's: the page asks for an operator's sign-in (HUB_OPERATOR), and on a node says it is the hub's
    id: 'operator',
    titleKey: 'nav.sectionOperator',
    entries: [{ kind: 'page', id: 'members', path: '/members', labelKey: 'nav.members', icon: 'seal', roles: ['hub'], userRoles: HUB_OPERATOR, element: <HubMembersPage /> }],
  },
  {
    id: 'developer',
    titleKey: 'nav.sectionDeveloper',
    entries: [{ kind: 'external', id: 'api-docs', href: '/api/docs', labelKey: 'nav.apiDocs', icon: 'docs' }],
  },
];

export const pages: PageEntry[] = navSections.flatMap((s) => s.entries.filter((e): e is PageEntry => e.kind === 'page'));

/** Routed pages that are not navigation entries; `navId` names the entry to highlight. */
export interface OtherRoute {
  id: string;
  path: string;
  titleKey: ParseKeys;
  element: ReactNode;
  navId?: string;
  /** the entry highlighted instead for a user who has no `navId` entry (an auditor on an exchange's result) */
  altNavId?: string;
}

/** A catalogue form's two routes (administrators only): a new entry, and editing one (its draft, or a new version). */
function catalogFormRoutes(kind: 'resource' | 'item', Form: ComponentType<object>, titleNew: ParseKeys, titleEdit: ParseKeys): OtherRoute[] {
  const base = `/catalog/${kind === 'resource' ? 'resources' : 'items'}`;
  return [
    // keyed: going from an entry's form to "new" starts an empty form instead of keeping the entry's
    { id: `catalog-${kind}-new`, path: `${base}/new`, titleKey: titleNew, navId: 'catalog', element: <RequireUser roles={CATALOG_ADMIN}><Form key="new" /></RequireUser> },
    { id: `catalog-${kind}-edit`, path: `${base}/:id/edit`, titleKey: titleEdit, navId: 'catalog', element: <RequireUser roles={CATALOG_ADMIN}><Form /></RequireUser> },
  ];
}

export const otherRoutes: OtherRoute[] = [
  { id: 'login', path: '/login', titleKey: 'login.title', element: <LoginPage /> },
  { id: 'hub-member', path: '/members/:code', titleKey: 'hubMembers.title', navId: 'members', element: <HubMembersPage /> },
  { id: 'portal-resource', path: '/portal/resources/:region/:id', titleKey: 'portal.resourceTitle', navId: 'portal', element: <PortalResourcePage /> },
  { id: 'portal-item', path: '/portal/items/:region/:id', titleKey: 'portal.itemTitle', navId: 'portal', element: <PortalItemPage /> },
  { id: 'portal-certificate', path: '/portal/certificate-types/:region/:id', titleKey: 'portal.certificateTitle', navId: 'portal', element: <PortalCertificatePage /> },
  {
    id: 'catalog-import',
    path: '/catalog/import',
    titleKey: 'import.title',
    navId: 'catalog',
    element: (
      <RequireUser roles={CATALOG_ADMIN}>
        <ImportPage />
      </RequireUser>
    ),
  },
  ...catalogFormRoutes('resource', ResourceEditPage, 'edit.titleNew', 'edit.titleEditShort'),
  ...catalogFormRoutes('item', ItemEditPage, 'itemEdit.titleNew', 'itemEdit.titleEditShort'),
  {
    id: 'catalog-entry',
    path: '/catalog/:kind/:id',
    titleKey: 'console.entryTitle',
    navId: 'catalog',
    element: (
      <RequireUser roles={CATALOG_STAFF}>
        <CatalogEntryPage />
      </RequireUser>
    ),
  },
  {
    id: 'exchange-result',
    path: '/exchange/:messageId',
    titleKey: 'result.title',
    navId: 'exchange',
    altNavId: 'audit-log',
    element: (
      <RequireUser roles={EXCHANGE_READERS}>
        <ExchangeResultPage />
      </RequireUser>
    ),
  },
];

/**
 * Entries for this server and user. While the server role is unknown every entry is shown. Entries
 * needing a user role are shown to visitors who are not signed in (they lead to the sign-in page) and
 * hidden from signed-in users without the role.
 */
export function visibleEntries(entries: NavEntry[], role: Role | undefined, user?: SessionUser | null): NavEntry[] {
  return entries.filter((e) => {
    if (e.roles && role && !e.roles.includes(role)) return false;
    if (e.userRoles && user && !e.userRoles.some((r) => user.roles.includes(r))) return false;
    return true;
  });
}

export function pageForPath(pathname: string): { titleKey: ParseKeys; navId: string; altNavId?: string } | undefined {
  const p = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  const page = pages.find((e) => e.path === p);
  if (page) return { titleKey: page.labelKey, navId: page.id };
  const other = otherRoutes.find((r) => matchPath(r.path, p));
  return other ? { titleKey: other.titleKey, navId: other.navId ?? other.id, ...(other.altNavId ? { altNavId: other.altNavId } : {}) } : undefined;
}

/** The navigation entry to highlight on this page: its own, or its alternative when this user's navigation lacks it. */
export function activeNavId(page: { navId: string; altNavId?: string } | undefined, role: Role | undefined, user: SessionUser | null | undefined): string | undefined {
  if (!page?.altNavId) return page?.navId;
  const shown = navSections.flatMap((s) => visibleEntries(s.entries, role, user)).map((e) => e.id);
  return shown.includes(page.navId) ? page.navId : page.altNavId;
}
