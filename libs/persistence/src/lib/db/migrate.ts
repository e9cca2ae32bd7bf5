import { fileURLToPath } from 'node:url';
import Postgrator from 'postgrator';
import type { Database } from './database.js';

/** libs/persistence/migrations, from src/lib/db (tests, tsx) and from dist/lib/db (built) alike. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations', import.meta.url));

// Any constant will do; it only has to be the same in every process that migrates.
const MIGRATION_LOCK = 4_221_977;

export interface MigrationResult {
  readonly from: number;
  readonly to: number;
  readonly applied: readonly string[];
}

/**
 * Brings the schema to the newest migration with Postgrator. Several processes may start
 * against one server at once (both apps in `npm start`), so the run holds an advisory lock.
 */
export async function migrate(db: Database): Promise<MigrationResult> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    const postgrator = new Postgrator({
      migrationPattern: `${MIGRATIONS_DIR}/*.sql`,
      driver: 'pg',
      schemaTable: 'schema_version',
      execQuery: (query: string) => tx.query(query),
    });
    const from = Number(await postgrator.getDatabaseVersion());
    const applied = await postgrator.migrate();
    const to = Number(await postgrator.getDatabaseVersion());
    return { from, to, applied: applied.map((m) => m.filename) };
  });
}
