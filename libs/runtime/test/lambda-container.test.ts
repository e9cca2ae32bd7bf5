import { describe, expect, it } from 'vitest';
import { containerHandler } from '../src/lib/process/lambda-container.js';

const ENV = {
  DATABASE_URL: 'postgres://unused@127.0.0.1:1/none',
  MODEL_URL: 'http://127.0.0.1:9',
  KNOWLEDGE_URL: 'http://127.0.0.1:9',
};

/** A stand-in database that counts how many were opened and closed. */
function databases() {
  const opened: { url: string; close(): Promise<void> }[] = [];
  let closed = 0;
  return {
    opened,
    closed: () => closed,
    open: async (config: { DATABASE_URL: string }) => {
      const db = {
        url: config.DATABASE_URL,
        close: async () => {
          closed += 1;
        },
      };
      opened.push(db);
      return db;
    },
  };
}

describe('containerHandler', () => {
  it('builds the app on the first invocation and reuses it, even for invocations during the build', async () => {
    const dbs = databases();
    let builds = 0;
    const handler = containerHandler(
      async ({ config }) => {
        builds += 1;
        return { handle: async (event: number) => `${config.DB_POOL_SIZE}:${event}` };
      },
      { env: { ...ENV, DB_POOL_SIZE: '2' }, open: dbs.open },
    );
    expect(await Promise.all([handler(1, {}), handler(2, {})])).toEqual(['2:1', '2:2']);
    expect(await handler(3, {})).toBe('2:3');
    expect(builds).toBe(1);
    expect(dbs.opened.map((db) => db.url)).toEqual([ENV.DATABASE_URL]);
  });

  it('builds again after a failed build, and closes the database the failure left open', async () => {
    const dbs = databases();
    let attempt = 0;
    const handler = containerHandler(
      async () => {
        attempt += 1;
        if (attempt === 1) throw new Error('upstream not ready');
        return { handle: async () => 'ok' };
      },
      { env: ENV, open: dbs.open },
    );
    await expect(handler(undefined, {})).rejects.toThrow('upstream not ready');
    expect(dbs.closed()).toBe(1);
    expect(await handler(undefined, {})).toBe('ok');
    expect(attempt).toBe(2);
    expect(dbs.opened).toHaveLength(2);
  });

  it('refuses to start without DATABASE_URL, and with a bad setting, naming it', async () => {
    const dbs = databases();
    const create = async () => ({ handle: async () => 'never' });
    const noUrl = containerHandler(create, { env: { ...ENV, DATABASE_URL: '' }, open: dbs.open });
    await expect(noUrl(undefined, {})).rejects.toThrow(/DATABASE_URL is required on Lambda/);
    const bad = containerHandler(create, { env: { ...ENV, DB_POOL_SIZE: '0' }, open: dbs.open });
    await expect(bad(undefined, {})).rejects.toThrow(/DB_POOL_SIZE/);
    expect(dbs.opened).toHaveLength(0);
  });
});
