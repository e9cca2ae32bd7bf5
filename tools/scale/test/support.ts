// What the balancer suites share: the PostgreSQL target whose databases the instances can open
// by URL, the contract's config turned into the instances' environment, and the guard against
// a bug's 500 in any instance's output.
import { createServerDatabase, databaseTargets } from '@switchyard/persistence/testing';
import { openDatabase, type Database } from '@switchyard/persistence';
import type { DatabaseTarget } from '@switchyard/persistence/testing';
import type { AppUnderTest } from '@switchyard/testing';
import { afterEach, expect } from 'vitest';
import { startScaled, type ScalableAppName, type Scaled } from '../src/index.js';

const urls = new WeakMap<Database, string>();

/**
 * The PostgreSQL server target, whose every database remembers its URL for the instances (the
 * embedded PGlite belongs to one process, so the balancer suites run on the server only; with
 * CI=true an unreachable server fails them).
 */
export async function postgresTarget(): Promise<DatabaseTarget> {
  const postgres = (await databaseTargets()).find((t) => t.kind === 'postgres')!;
  return {
    kind: 'postgres',
    skipReason: postgres.skipReason,
    async open() {
      const created = await createServerDatabase();
      const db = await openDatabase({ url: created.url, poolSize: 3 });
      const wrapped: Database = {
        ...db,
        async close() {
          await db.close();
          await created.drop();
        },
      };
      urls.set(wrapped, created.url);
      return wrapped;
    },
  };
}

/** A config object back into the environment variables it was loaded from. */
export function configEnv(config: Record<string, unknown>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    env[key] = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return env;
}

/** Lines reporting SWY_ERR_INTERNAL (the one code logged at error) in any instance's output. */
export function internalErrors(scaled: Scaled | undefined): string[] {
  return (scaled?.instances ?? []).flatMap((i) =>
    i.output
      .join('')
      .split('\n')
      .filter((line) => line.includes('"code":"SWY_ERR_INTERNAL"'))
      .map((line) => `${i.name}: ${line.slice(0, 2_000)}`),
  );
}

/**
 * An app under test that is `instances` processes of `app` behind HAProxy, on the database the
 * contract opened: the contract's cases run against the balancer's URL. A case during which an
 * instance logs a SWY_ERR_INTERNAL fails, as failOnInternalErrors does in process.
 */
export function balanced(app: ScalableAppName, instances = 3): AppUnderTest {
  let current: Scaled | undefined;
  let seen = 0;
  afterEach(() => {
    const lines = internalErrors(current);
    const fresh = lines.slice(seen);
    seen = lines.length;
    expect(fresh, `${app} behind the balancer logged a 500`).toEqual([]);
  });
  return {
    name: `${app} behind HAProxy`,
    async start({ config, db }) {
      const databaseUrl = urls.get(db);
      if (!databaseUrl) throw new Error('the balanced app needs a database from postgresTarget()');
      current = await startScaled({
        app,
        instances,
        databaseUrl,
        env: { ...configEnv(config), LOG_LEVEL: 'error' },
      });
      seen = 0;
      const scaled = current;
      return { url: scaled.url, close: () => scaled.close() };
    },
  };
}
