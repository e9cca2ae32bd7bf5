import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { migrate } from './migrate.js';
import { openPglite, openPgliteOnWorker, type PgliteThread } from './pglite.js';
import type { PgliteWorker } from './pglite-worker.js';

export type QueryValues = readonly unknown[];

/**
 * A query with a name: pg's `{ name, text, values }` query config. The first time a connection
 * runs it, pg sends Parse under that name; after that only Bind and Execute, so the server
 * neither parses nor plans the text again (PGlite's node-postgres adapter passes the same
 * protocol messages through, so it holds there too).
 */
export interface NamedQuery {
  readonly name: string;
  readonly text: string;
  readonly values: QueryValues;
}

/** The one interface repositories use; `pg.Pool` and `pg.PoolClient` both satisfy it. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string | NamedQuery,
    values?: QueryValues,
  ): Promise<pg.QueryResult<R>>;
}

const statementTexts = new Map<string, string>();

/**
 * Declares a named statement: call the result with the values to get the query config. A name
 * is prepared once per connection and pg refuses the same name with another text on it, so a
 * second declaration of a name with another text throws here, at import, rather than at the
 * first query that meets both on one connection.
 */
export function statement(name: string, text: string): (values: QueryValues) => NamedQuery {
  const known = statementTexts.get(name);
  if (known !== undefined && known !== text) {
    throw new Error(`statement ${JSON.stringify(name)} is declared twice with different texts`);
  }
  statementTexts.set(name, text);
  return (values) => ({ name, text, values });
}

/** DB_POOL_SIZE's default (the config schema's too): pooled connections to the server. */
export const DEFAULT_POOL_SIZE = 10;

export type DatabaseKind = 'postgres' | 'pglite';

export interface Database extends Queryable {
  readonly kind: DatabaseKind;
  /** Runs `work` in one transaction on one connection: COMMIT when it resolves, else ROLLBACK. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Resolves when the database answers a query; rejects otherwise. */
  ping(): Promise<void>;
  /**
   * The PostgreSQL server only (undefined on PGlite): a new, unconnected client with the pool's
   * connection settings, outside the pool, for a connection that must stay one session (LISTEN).
   * Its owner connects and ends it.
   */
  readonly dedicatedClient?: (options?: {
    readonly queryTimeoutMs?: number;
    /** Shown in pg_stat_activity, so that an operator can tell the connection apart. */
    readonly applicationName?: string;
  }) => pg.Client;
  /**
   * The pool's connections now (the metrics' database pool gauges): open, idle, and queries
   * waiting for one. Optional so that a wrapper in a test need not have it.
   */
  readonly poolStats?: () => PoolStats;
  close(): Promise<void>;
}

export interface PoolStats {
  /** Connections open (busy or idle), at most `max`. */
  readonly total: number;
  readonly idle: number;
  /** Queries waiting for a connection. */
  readonly waiting: number;
  /** DB_POOL_SIZE on the server; 1 on PGlite. */
  readonly max: number;
}

export interface DatabaseOptions {
  /** A PostgreSQL connection string. When set, the server is used and PGlite is not. */
  readonly url?: string | undefined;
  /**
   * PGlite data directory; omitted or `memory://` means in memory (the apps' mains default to
   * `.data/<app>`). Ignored when `url` or `pglite` is set.
   */
  readonly dataDir?: string | undefined;
  /** PGlite's shared_buffers in MB (see pglite.ts). Default 16. Ignored when `url` or `pglite` is set. */
  readonly pgliteSharedBuffersMb?: number | undefined;
  /** PGlite on the app's thread (default) or on a worker thread. Ignored when `url` or `pglite` is set. */
  readonly pgliteThread?: PgliteThread | undefined;
  /** An already open PGlite; the Database closes it on close(). */
  readonly pglite?: PGlite;
  /**
   * Connections in the pg pool to the server (DB_POOL_SIZE; PGlite always has one). Default
   * DEFAULT_POOL_SIZE. Past it, queries wait for a connection (at most 3 s, then 503).
   */
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
  let pglite: PGlite | PgliteWorker | undefined;
  let pool: pg.Pool;
  if (options.url) {
    pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? DEFAULT_POOL_SIZE,
      // Fail fast while the server is down instead of queueing requests forever.
      connectionTimeoutMillis: 3_000,
      query_timeout: 10_000,
    });
  } else {
    const pgliteOptions = { sharedBuffersMb: options.pgliteSharedBuffersMb };
    pglite =
      options.pglite ??
      (options.pgliteThread === 'worker'
        ? await openPgliteOnWorker(options.dataDir, pgliteOptions)
        : await openPglite(options.dataDir, pgliteOptions));
    // Loaded here, like PGlite itself (pglite.ts): a process on the server never needs it.
    const { createPgConfig } = await import('@electric-sql/pglite/node-postgres');
    // The adapter needs only waitReady and execProtocolStream, which PgliteWorker has too.
    // PGlite is one session, and the adapter hands every client the pool makes one and the same
    // connection object: a client the pool throws away (pg-pool's query() does so after any
    // error, a unique violation included) ends that object, and with it the next client's
    // queries ("Connection terminated unexpectedly"). So one client, never thrown away (see
    // `queryOn` below); with `max: 1` the pool also queues the queries while a transaction
    // holds it, which a single session needs.
    pool = new pg.Pool({
      ...(createPgConfig(pglite as PGlite) as unknown as pg.PoolConfig),
      max: 1,
    });
  }
  // Without a listener, an idle client's error (server restart) would crash the process.
  pool.on('error', (error) => options.onPoolError?.(error));

  const url = options.url;
  const release = (client: pg.PoolClient, broken?: Error) =>
    // PGlite's one client stays, whatever failed: there is no other session to fall back on.
    client.release(pglite ? undefined : broken);
  const queryOn = async (text: Parameters<Queryable['query']>[0], values?: QueryValues) => {
    const config =
      typeof text === 'string'
        ? { text, values: values as unknown[] | undefined }
        : { name: text.name, text: text.text, values: text.values as unknown[] };
    if (!pglite) return pool.query(config);
    const client = await pool.connect();
    try {
      return await client.query(config);
    } finally {
      release(client);
    }
  };
  const db: Database = {
    kind: pglite ? 'pglite' : 'postgres',
    ...(url
      ? {
          dedicatedClient: ({ queryTimeoutMs = 10_000, applicationName } = {}) =>
            new pg.Client({
              connectionString: url,
              ...(applicationName ? { application_name: applicationName } : {}),
              connectionTimeoutMillis: 3_000,
              query_timeout: queryTimeoutMs,
              keepAlive: true,
            }),
        }
      : {}),
    query: (text, values) => queryOn(text, values),
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
        release(client, broken);
      }
    },
    async ping() {
      await queryOn('SELECT 1');
    },
    poolStats: () => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max: pool.options.max,
    }),
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
