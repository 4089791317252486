// The one list the navigation, the routes and the page titles are built from. A new
// capability adds its page here (with the roles it applies to) and nothing else changes.
import type { ReactNode } from 'react';
import type { ParseKeys } from 'i18next';
import type { Role } from './api';
import type { IconName } from './components/Icon';
import { FederationPage } from './pages/FederationPage';
import { OverviewPage } from './pages/OverviewPage';

export interface PageEntry {
  kind: 'page';
  id: string;
  /** Absolute path; "/" is the index route. */
  path: string;
  labelKey: ParseKeys;
  icon: IconName;
  element: ReactNode;
  /** Roles the page applies to; absent = every role. */
  roles?: Role[];
}

export interface ExternalEntry {
  kind: 'external';
  id: string;
  /** Served by the same server but outside the SPA, so opened as a normal link. */
  href: string;
  labelKey: ParseKeys;
  icon: IconName;
  roles?: Role[];
}

export type NavEntry = PageEntry | ExternalEntry;

export interface NavSection {
  id: string;
  titleKey: ParseKeys;
  entries: NavEntry[];
}

export const navSections: NavSection[] = [
  {
    id: 'node',
    titleKey: 'nav.sectionNode',
    entries: [
      { kind: 'page', id: 'overview', path: '/', labelKey: 'nav.overview', icon: 'overview', element: <OverviewPage /> },
      { kind: 'page', id: 'federation', path: '/federation', labelKey: 'nav.federation', icon: 'federation', element: <FederationPage /> },
    ],
  },
  {
    id: 'developer',
    titleKey: 'nav.sectionDeveloper',
    entries: [{ kind: 'external', id: 'api-docs', href: '/api/docs', labelKey: 'nav.apiDocs', icon: 'docs' }],
  },
];

export const pages: PageEntry[] = navSections.flatMap((s) => s.entries.filter((e): e is PageEntry => e.kind === 'page'));

/** Entries visible to a role; while the role is still unknown every entry is shown. */
export function visibleEntries(entries: NavEntry[], role: Role | undefined): NavEntry[] {
  return entries.filter((e) => !e.roles || !role || e.roles.includes(role));
}

export function pageForPath(pathname: string): PageEntry | undefined {
  const p = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  return pages.find((e) => e.path === p);
}
