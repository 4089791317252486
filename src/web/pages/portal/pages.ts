// The data portal's pages, one chunk loaded on first visit (nav.tsx).
export { PortalPage } from './PortalPage';
export { PortalCertificatePage, PortalItemPage, PortalResourcePage } from './PortalEntryPages';
