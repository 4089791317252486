// sim/registries owns the synthetic departmental registries (公安 household, 民政 marriage, 人社 pension, 医保 medical, 市场监管 entities, 居住证) that stand behind each demo node, in a database of their own.
// Deterministic: the same (region, seed, citizens, federation) gives the same rows on SQLite and
// PostgreSQL. Source adapters read these tables as if they were a department's own system.

export {
  DEFAULT_SEED,
  DEMO_FEDERATION,
  GENERATOR_VERSION,
  MAX_CITIZENS,
  registrySummary,
  residentsFrom,
  seedRegistries,
  type RegistrySummary,
  type Resident,
  type SeedOptions,
  type SeedProgress,
  type SeedTimings,
  type TableTiming,
} from './seed.js';
export { sampleEmigrants, sampleEnterprises, sampleMigrants, type EnterpriseSample, type MigrantSample } from './read.js';
export { AS_OF_ISO } from './population.js';
export { DATA_TABLES, TABLES, type DataTable, type RegistryDB } from './tables.js';
export { ETHNIC_GROUPS } from './vocab.js';
