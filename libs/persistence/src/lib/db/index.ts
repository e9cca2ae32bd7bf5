export { DEFAULT_POOL_SIZE, openDatabase, statement } from './database.js';
export type {
  Database,
  DatabaseKind,
  DatabaseOptions,
  PoolStats,
  NamedQuery,
  Queryable,
  QueryValues,
} from './database.js';
export { MIGRATIONS_DIR, migrate } from './migrate.js';
export type { MigrationResult } from './migrate.js';
export {
  openPglite,
  PGLITE_DEFAULT_SHARED_BUFFERS_MB,
  pgliteStartParams,
  pgliteTemplate,
  templateDir,
} from './pglite.js';
export type { PgliteOptions } from './pglite.js';
