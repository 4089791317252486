// The catalogue console's pages, one chunk loaded on first visit (nav.tsx).
export { CatalogEntryPage } from './CatalogEntryPage';
export { CatalogListPage } from './CatalogListPage';
export { ImportPage } from './ImportPage';
export { ItemEditPage } from './ItemEditPage';
export { ResourceEditPage } from './ResourceEditPage';
