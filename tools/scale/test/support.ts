// What the balancer suites share: an app under test that is several instances behind HAProxy
// on the PostgreSQL server, kept running after the contract's own cases so that the
// cross-instance and failover cases use the same instances; and the guard against a bug's 500.
import { createServerDatabase, databaseTargets } from '@switchyard/persistence/testing';
import { openDatabase, type Database } from '@switchyard/persistence';
import type { DatabaseTarget, ServerDatabase } from '@switchyard/persistence/testing';
import type { AppUnderTest } from '@switchyard/testing';
import { afterEach, expect } from 'vitest';
import { startScaled, type ScalableAppName, type Scaled } from '../src/index.js';

/**
 * IDEMPOTENCY_LEASE_MS of the balanced instances: shorter than the failover load's retries of a
 * post (RETRY_WINDOW_MS there), and no shorter than the contract's UPSTREAM_TIMEOUT_MS (2 s).
 */
export const IDEMPOTENCY_LEASE_MS = 8_000;

/** A config object back into the environment variables it was loaded from. */
export function configEnv(config: Record<string, unknown>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    // A list setting is a comma list (SHADOW_GROUPS=bots,conversations); PROXY_SERVICES is JSON.
    if (Array.isArray(value)) {
      if (value.length > 0) env[key] = value.join(',');
      continue;
    }
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

export interface Balanced extends AppUnderTest {
  /** The PostgreSQL target whose databases the instances open by URL (PGlite is one process's). */
  readonly target: DatabaseTarget;
  /** The running environment, once the contract's beforeAll has started it. */
  scaled(): Scaled;
  /** Stops HAProxy and the instances and drops the database: the enclosing describe's afterAll. */
  closeAll(): Promise<void>;
}

/**
 * `instances` processes of `app` behind HAProxy, started with the contract's config on the
 * database the contract opened. The contract's close() leaves them running (and the database
 * in place) for the cases after it; closeAll() ends them. A case during which an instance logs
 * a SWY_ERR_INTERNAL fails, as failOnInternalErrors does in process.
 */
export async function balanced(app: ScalableAppName, instances = 3): Promise<Balanced> {
  const postgres = (await databaseTargets()).find((t) => t.kind === 'postgres')!;
  const urls = new WeakMap<Database, string>();
  const created: ServerDatabase[] = [];
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
    target: {
      kind: 'postgres',
      skipReason: postgres.skipReason,
      async open() {
        const database = await createServerDatabase();
        created.push(database);
        const db = await openDatabase({ url: database.url, poolSize: 3 });
        urls.set(db, database.url);
        return db;
      },
    },
    async start({ config, db }) {
      const databaseUrl = urls.get(db);
      if (!databaseUrl) throw new Error('the balanced app needs a database from its own target');
      current = await startScaled({
        app,
        instances,
        databaseUrl,
        // info: the access lines carry the client's address (the TRUST_PROXY cases read them).
        // The lease within the failover load's retries: a key the killed instance claimed is
        // taken over by a retry (a message may take that long, so the stream's timeout too).
        env: {
          ...configEnv(config),
          LOG_LEVEL: 'info',
          IDEMPOTENCY_LEASE_MS: String(IDEMPOTENCY_LEASE_MS),
          STREAM_REPLY_TIMEOUT_MS: String(IDEMPOTENCY_LEASE_MS),
        },
      });
      seen = 0;
      return { url: current.url, close: async () => undefined };
    },
    scaled() {
      if (!current) throw new Error(`${app}: the environment has not started`);
      return current;
    },
    async closeAll() {
      await current?.close();
      for (const database of created.splice(0)) await database.drop();
    },
  };
}
