import type { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import pg from 'pg';
import { migrate } from './migrate.js';
import { openPglite } from './pglite.js';

export type QueryValues = readonly unknown[];

/** The one interface repositories use; `pg.Pool` and `pg.PoolClient` both satisfy it. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: QueryValues,
  ): Promise<pg.QueryResult<R>>;
}

export type DatabaseKind = 'postgres' | 'pglite';

export interface Database extends Queryable {
  readonly kind: DatabaseKind;
  /** Runs `work` in one transaction on one connection: COMMIT when it resolves, else ROLLBACK. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Resolves when the database answers a query; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A PostgreSQL connection string. When set, the server is used and PGlite is not. */
  readonly url?: string | undefined;
  /**
   * PGlite data directory; omitted or `memory://` means in memory (the apps' mains default to
   * `.data/<app>`). Ignored when `url` or `pglite` is set.
   */
  readonly dataDir?: string | undefined;
  /** An already open PGlite; the Database closes it on close(). */
  readonly pglite?: PGlite;
  /** Connections in the pg pool (PGlite always has one). Default 10. */
  readonly poolSize?: number;
  /** Apply the migrations before returning. Default true. */
  readonly migrate?: boolean;
  /** Called when an idle pooled connection fails (e.g. the server restarts). */
  readonly onPoolError?: (error: Error) => void;
}

/**
 * Opens the database: the PostgreSQL server through `pg` when `url` is given, embedded PGlite
 * otherwise. Both go through a `pg.Pool` (PGlite via its node-postgres adapter), so every
 * query, transaction and migration runs the same code on both.
 */
export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  let pglite: PGlite | undefined;
  let pool: pg.Pool;
  if (options.url) {
    pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      // Fail fast while the server is down instead of queueing requests forever.
      connectionTimeoutMillis: 3_000,
      query_timeout: 10_000,
    });
  } else {
    pglite = options.pglite ?? (await openPglite(options.dataDir));
    pool = new pg.Pool(createPgConfig(pglite) as unknown as pg.PoolConfig);
  }
  // Without a listener, an idle client's error (server restart) would crash the process.
  pool.on('error', (error) => options.onPoolError?.(error));

  const db: Database = {
    kind: pglite ? 'pglite' : 'postgres',
    query: (text, values) => pool.query(text, values as unknown[] | undefined),
    async transaction(work) {
      const client = await pool.connect();
      let broken: Error | undefined;
      // A checked-out client has no listener of the pool's: should the server end the session
      // between two queries (a shutdown, a failover), its 'error' event would crash the process.
      const onError = (error: Error) => (broken ??= error);
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await work(client as Queryable);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          broken = rollbackError as Error;
        }
        throw error;
      } finally {
        // A connection that failed, or whose ROLLBACK failed, is discarded rather than reused.
        client.off('error', onError);
        client.release(broken);
      }
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      await pool.end();
      if (pglite && !pglite.closed) await pglite.close();
    },
  };

  if (options.migrate ?? true) {
    try {
      await migrate(db);
    } catch (error) {
      await db.close();
      throw error;
    }
  }
  return db;
}
