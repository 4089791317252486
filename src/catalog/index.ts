// catalog owns what a region shares, described to national practice: data resources (信息资源目录),
// certificate types (证照类型), service items (事项, with the confirmed national cross-province items
// seeded) and the region's own data elements — their validation (validate.ts), storage and review
// workflow with full history (store.ts), seeding (seed.ts), 实施清单 import (import.ts, csv.ts), the
// /api/catalog routes (routes.ts) and `tongban catalog` (cli.ts). Other capabilities read what is
// published through listPublished(db) and hear of changes through CatalogService#onPublished.
export * from './model.js';
export { STANDARD_ELEMENTS, standardElement } from './elements.js';
export { NATIONAL_ITEMS, type NationalItem } from './national-items.js';
export {
  CatalogService,
  ENTRY_KINDS,
  SYSTEM_ACTOR,
  listPublished,
  problemsOf,
  type CatalogActor,
  type CatalogDoc,
  type CatalogServiceOptions,
  type DocOf,
  type EntryKind,
  type EntryView,
  type HistoryEntry,
  type PublishedCatalog,
  type PublishedChange,
  type PublishedListener,
  type WorkflowStep,
} from './store.js';
export {
  certificateTypeCodeProblem,
  codeKindOf,
  formatProblems,
  validateCertificateType,
  validateElement,
  validateItem,
  validateResource,
  type CertificateTypeInput,
  type ElementInput,
  type ItemInput,
  type Problem,
  type ResourceInput,
  type ValidationContext,
  type ValidationResult,
} from './validate.js';
export { seedCatalog, nationalItemCode, nationalItemInput, demoResourceInput, DEMO_RESOURCE_ELEMENTS, type SeedOptions, type SeedReport, type ServedResourceDef } from './seed.js';
export { importItems, parseItemsCsv, parseItemsJson, formatImportProblem, formatImportProblems, importProblemsOf, ITEM_COLUMNS, type ImportOptions, type ImportProblem, type ImportReport, type ImportFormat } from './import.js';
export { parseCsv, type CsvRecord, type CsvResult } from './csv.js';
export { catalogRoutes } from './routes.js';
export { catalogMigration } from './migration.js';
export type { CatalogTables } from './schema.js';
