// The exchange workbench's pages, one chunk loaded on first visit (nav.tsx).
export { ExchangePage } from './ExchangePage';
export { ExchangeResultPage } from './ExchangeResultPage';
