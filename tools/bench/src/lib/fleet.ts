// Every long-lived process the scenarios measure, keyed by what it is and how it is configured,
// started once. main.ts asks each selected scenario what it needs and starts all of it together
// before the first measurement (starts are CPU-bound, so doing them up front, a few at a time,
// keeps them out of every measured window and cuts the run's wall time); a scenario that asks
// for something nobody declared gets it started on demand. Idle processes do no work: the probe
// only samples between a reset and a read.
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import pg from 'pg';
import type { Context } from './context.js';
import { sharedEnv, signIn, type User } from './gateway.js';
import { appEntry, spawnProc, type Proc } from './processes.js';

export type Kind = 'express-api' | 'fastify-api' | 'control-express' | 'control-fastify';

const ENTRY: Record<Kind, string> = {
  'express-api': appEntry('express-api'),
  'fastify-api': appEntry('fastify-api'),
  'control-express': 'tools/bench/src/attribution/server.ts',
  'control-fastify': 'tools/bench/src/attribution/server.ts',
};

const FRAMEWORK: Partial<Record<Kind, string>> = {
  'control-express': 'express',
  'control-fastify': 'fastify',
};

/**
 * Every fleet app talks to the slow upstream (SLOW_UPSTREAM_MS on the model and the knowledge
 * sources only; the proxy's /delay/:ms waits just what it asks for) and has ENSEMBLE_SOURCES =
 * DEFAULT_SOURCES unless its env says otherwise, so that scenarios 1, 2, 3 and 6 share apps.
 */
export interface AppSpec {
  readonly kind: Kind;
  /** `postgres` needs context.postgresUrl: one database per run, shared by every such app. */
  readonly database?: 'pglite' | 'postgres';
  /** Env on top of the shared one (ENSEMBLE_SOURCES, FANOUT_CONCURRENCY, ...). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Another Node binary to run it on (the node scenario); the machine's Node when unset, so
   * that the node scenario's machine-Node apps are the other scenarios' apps.
   */
  readonly node?: { readonly bin: string; readonly version: string };
}

export const DEFAULT_SOURCES = 10;
const envOf = (spec: AppSpec) => ({ ENSEMBLE_SOURCES: String(DEFAULT_SOURCES), ...spec.env });

export type FleetApp = Proc & {
  readonly user: User;
  /**
   * RSS in bytes once it answered /ready and signed its user in, before any scenario's load: the
   * idle figure the memory target is about (the probe reads it; no reset, so no sampling).
   */
  readonly idleRss: number;
};

/** How long a new app sits before its idle RSS is read: start-up's garbage is collected by then. */
export const IDLE_SETTLE_MS = 2_000;

const keyOf = (spec: AppSpec) =>
  JSON.stringify([
    spec.kind,
    spec.database ?? 'pglite',
    Object.entries(envOf(spec)).sort(([a], [b]) => a.localeCompare(b)),
    spec.node?.bin ?? '',
  ]);

/** Runs `task` over `items` with at most `limit` at once; rejects with the first failure. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await task(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export class Fleet {
  readonly #context: Omit<Context, 'fleet'>;
  readonly #apps = new Map<string, Promise<FleetApp>>();
  #database: Promise<string> | undefined;
  #dropDatabase: (() => Promise<void>) | undefined;
  /** Apps on the shared PostgreSQL database start one at a time (each runs the migrations). */
  #postgresQueue: Promise<unknown> = Promise.resolve();

  constructor(context: Omit<Context, 'fleet'>) {
    this.#context = context;
  }

  /**
   * Starts every spec not started yet, one more at a time than there are cores (a start waits
   * on the disk and on its sign-in part of the time).
   */
  async prestart(specs: readonly AppSpec[]): Promise<number> {
    const unique = [...new Map(specs.map((s) => [keyOf(s), s])).values()].filter(
      (s) => !this.#apps.has(keyOf(s)),
    );
    // The first PGlite app runs initdb; the rest copy its data dir, so make it first.
    if (unique.some((s) => (s.database ?? 'pglite') === 'pglite'))
      await this.#context.dataDirs.template();
    await mapLimit(unique, availableParallelism() + 1, (s) => this.get(s));
    return unique.length;
  }

  get(spec: AppSpec): Promise<FleetApp> {
    const key = keyOf(spec);
    let app = this.#apps.get(key);
    if (!app) {
      app = this.#start(spec);
      this.#apps.set(key, app);
    }
    return app;
  }

  async #start(spec: AppSpec): Promise<FleetApp> {
    const context = this.#context;
    const db: Record<string, string> = {};
    if (spec.database === 'postgres') db['DATABASE_URL'] = await this.#postgresDatabase();
    else db['PGLITE_DATA_DIR'] = await context.dataDirs.copy();
    const framework = FRAMEWORK[spec.kind];
    const launch = async () => {
      const proc = await spawnProc(
        label(spec),
        ENTRY[spec.kind],
        {
          ...sharedEnv(context.slowUpstreamUrl),
          UPSTREAM_TIMEOUT_MS: '30000',
          ...(framework ? { BENCH_FRAMEWORK: framework } : {}),
          ...db,
          ...envOf(spec),
        },
        '/ready',
        spec.node?.bin,
      );
      try {
        const user = await signIn(proc.url);
        await new Promise((resolve) => setTimeout(resolve, IDLE_SETTLE_MS));
        const idle = await proc.probe('read');
        return Object.assign(proc, { user, idleRss: idle.rss });
      } catch (error) {
        await proc.stop();
        throw error;
      }
    };
    if (spec.database !== 'postgres') return launch();
    const started = this.#postgresQueue.then(launch);
    this.#postgresQueue = started.catch(() => undefined);
    return started;
  }

  #postgresDatabase(): Promise<string> {
    const server = this.#context.postgresUrl;
    if (!server) return Promise.reject(new Error('no PostgreSQL server answered'));
    this.#database ??= (async () => {
      const { url, drop } = await createDatabase(server);
      this.#dropDatabase = drop;
      return url;
    })();
    return this.#database;
  }

  async stopAll(): Promise<void> {
    const apps = [...this.#apps.values()];
    this.#apps.clear();
    await Promise.all(
      apps.map(async (a) => {
        const app = await a.catch(() => undefined);
        await app?.stop();
      }),
    );
    await this.#dropDatabase?.().catch(() => undefined);
    this.#dropDatabase = undefined;
    this.#database = undefined;
  }
}

export interface Database {
  /** The server's URL with the new database's name as its path. */
  readonly url: string;
  /** Drops it `with (force)`, so that connections an app still holds do not block it. */
  drop(): Promise<void>;
}

/** A new, empty database on the PostgreSQL server at `server`, named switchyard_bench_<8 hex>. */
export async function createDatabase(server: string): Promise<Database> {
  const name = `switchyard_bench_${randomUUID().slice(0, 8)}`;
  await admin(server, `create database ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    drop: () => admin(server, `drop database if exists ${name} with (force)`),
  };
}

/** Runs one statement on the server over a connection of its own. */
async function admin(server: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function label(spec: AppSpec): string {
  const env = Object.entries(envOf(spec)).map(([k, v]) => `${k}=${v}`);
  return [
    spec.kind,
    spec.database ?? 'pglite',
    ...env,
    ...(spec.node ? [`on Node ${spec.node.version}`] : []),
  ].join(' ');
}
