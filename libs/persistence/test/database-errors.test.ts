import { describe, expect, it } from 'vitest';
import { toAppError } from '@switchyard/api-spec';
import { databaseTargets } from '../src/testing/index.js';

const server = (await databaseTargets()).find((t) => t.kind === 'postgres')!;

describe('toAppError with a PostgreSQL pool under pressure', () => {
  if (server.skipReason) {
    it.skip(`(skipped: ${server.skipReason})`, () => {});
    return;
  }

  it('maps "every connection busy past the connect timeout" to 503 SWY_ERR_DATABASE_UNAVAILABLE', async () => {
    const db = await server.open();
    // The test target's pool holds 5: keep them all in open transactions, then ask for a sixth.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const holders = Array.from({ length: 5 }, () => db.transaction(() => held));
    try {
      const error = await db.query('SELECT 1').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect(toAppError(error)).toMatchObject({
        code: 'SWY_ERR_DATABASE_UNAVAILABLE',
        status: 503,
      });
    } finally {
      release();
      await Promise.all(holders);
      await db.close();
    }
  });
});

describe.each(await databaseTargets())('a failed query on $kind', (target) => {
  if (target.skipReason) {
    it.skip(`(skipped: ${target.skipReason})`, () => {});
    return;
  }

  it('leaves the database usable: the next plain and named queries run, concurrent ones too', async () => {
    // On PGlite a unique violation used to end its one session for the next query
    // ("Connection terminated unexpectedly"): pg-pool throws away a client after any error.
    const db = await target.open();
    try {
      await db.query(
        "INSERT INTO accounts (id, username, password_hash) VALUES ('00000000-0000-4000-8000-000000000001', 'dup', 'x')",
      );
      const duplicate = () =>
        db.query(
          "INSERT INTO accounts (id, username, password_hash) VALUES ('00000000-0000-4000-8000-000000000001', 'dup', 'x')",
        );
      // The next query is sent from the failure's own handler, before anything else runs: the
      // moment the session was ended in.
      let failure: unknown;
      const next = await duplicate().then(
        () => undefined,
        (error: unknown) => {
          failure = error;
          return db.query('SELECT 1 AS one');
        },
      );
      expect(failure).toMatchObject({ code: '23505' });
      expect(next?.rows).toEqual([{ one: 1 }]);
      const named = {
        name: 'test-count-accounts',
        text: 'SELECT count(*)::int AS n FROM accounts',
        values: [],
      };
      expect((await db.query(named)).rows).toEqual([{ n: 1 }]);
      const results = await Promise.allSettled([
        duplicate(),
        db.query('SELECT 2 AS two'),
        duplicate(),
        db.query(named),
      ]);
      expect(results.map((r) => r.status)).toEqual([
        'rejected',
        'fulfilled',
        'rejected',
        'fulfilled',
      ]);
      expect((await db.query(named)).rows).toEqual([{ n: 1 }]);
    } finally {
      await db.close();
    }
  });
});
