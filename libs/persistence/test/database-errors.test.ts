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
