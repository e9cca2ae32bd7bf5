export { openDatabase } from './database.js';
export type {
  Database,
  DatabaseKind,
  DatabaseOptions,
  Queryable,
  QueryValues,
} from './database.js';
export { MIGRATIONS_DIR, migrate } from './migrate.js';
export type { MigrationResult } from './migrate.js';
export { openPglite, pgliteTemplate, templateDir } from './pglite.js';
