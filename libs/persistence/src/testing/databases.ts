import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database, type DatabaseKind } from '../lib/db/index.js';

/** The PostgreSQL server tests use; set TEST_DATABASE_URL to point elsewhere. */
export const TEST_DATABASE_URL =
  process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface DatabaseTarget {
  readonly kind: DatabaseKind;
  /** Set when this target cannot run here; never set when CI=true (the tests fail instead). */
  readonly skipReason: string | undefined;
  /** A new, migrated, empty database; `close()` drops it. */
  open(): Promise<Database>;
}

async function serverReachable(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export interface ServerDatabase {
  /** Connection string of the new, empty database (not migrated: its first opener migrates). */
  readonly url: string;
  /** DROP DATABASE … WITH (FORCE): ends whatever connections are still open. */
  drop(): Promise<void>;
}

/**
 * CREATE DATABASE with a fresh name on the server, for a process of its own (an app's main,
 * its cluster workers) to open by URL; `drop()` removes it.
 */
export async function createServerDatabase(
  adminUrl: string = TEST_DATABASE_URL,
): Promise<ServerDatabase> {
  const name = `swy_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(adminUrl, name),
    async drop() {
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/**
 * A throwaway database on the server: CREATE DATABASE for each open(), DROP on close(), so
 * test files never see each other's rows.
 */
async function openOnServer(adminUrl: string): Promise<Database> {
  const created = await createServerDatabase(adminUrl);
  const db = await openDatabase({ url: created.url, poolSize: 5 });
  return {
    ...db,
    async close() {
      await db.close();
      await created.drop();
    },
  };
}

/**
 * The databases a suite runs against: embedded PGlite always, and the PostgreSQL server when it
 * answers. With CI=true the server target is always returned, so an unreachable server makes
 * the tests fail rather than skip.
 */
export async function databaseTargets(): Promise<DatabaseTarget[]> {
  const unreachable = await serverReachable(TEST_DATABASE_URL);
  const ci = process.env['CI'] === 'true';
  return [
    { kind: 'pglite', skipReason: undefined, open: () => openDatabase() },
    {
      kind: 'postgres',
      skipReason:
        unreachable && !ci
          ? `PostgreSQL at ${TEST_DATABASE_URL} is unreachable (${unreachable}); with CI=true this fails instead`
          : undefined,
      open: () => openOnServer(TEST_DATABASE_URL),
    },
  ];
}
