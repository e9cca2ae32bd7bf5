import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../src/lib/db/index.js';
import { redisSessionEvents, sessionEvents, type SessionEvent } from '../src/lib/sessions/index.js';
import { databaseTargets } from '../src/testing/index.js';
import { quiet, revocations, within } from './events-support.js';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const hash = (n: number) => n.toString(16).padStart(64, '0');

describe('redisSessionEvents (Redis pub/sub)', () => {
  const admin = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const opened: Array<{ close(): Promise<unknown> } | { quit(): Promise<unknown> }> = [];
  afterEach(async () => {
    for (const item of opened.splice(0).reverse()) {
      await ('close' in item ? item.close() : item.quit());
    }
  });
  afterAll(async () => {
    await admin.quit();
  });

  /** One process: its own client (the app's) and the events built on it. */
  function processOn(keyPrefix: string) {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    opened.push(redis);
    const events = redisSessionEvents(redis, { keyPrefix, log: quiet });
    opened.push(events);
    const seen: SessionEvent[] = [];
    events.onEvent((event) => seen.push(event));
    return { events, seen };
  }
  const prefix = () => `switchyard-test:${randomUUID().slice(0, 8)}:`;

  it('carries a revocation to every process on the same Redis and prefix within a second', async () => {
    const keyPrefix = prefix();
    const [a, b] = [processOn(keyPrefix), processOn(keyPrefix)];
    const elsewhere = processOn(prefix());
    await Promise.all([a, b, elsewhere].map((p) => p.events.ready()));
    expect([a, b].map((p) => p.events.live)).toEqual([true, true]);
    await a.events.publish({ kind: 'sessions', tokenHashes: [hash(1)] });
    for (const side of [a, b]) {
      await within(1_000, () => revocations(side.seen).length === 1);
      expect(revocations(side.seen)).toEqual([{ kind: 'sessions', tokenHashes: [hash(1)] }]);
    }
    // Another deployment's prefix hears nothing of it.
    expect(revocations(elsewhere.seen)).toEqual([]);
  });

  it('says reset when its subscription is gone, subscribes again, and says reset again', async () => {
    const keyPrefix = prefix();
    const a = processOn(keyPrefix);
    await a.events.ready();
    a.seen.length = 0;
    const clients = String(await admin.client('LIST'));
    const id = /id=(\d+) .*name=(\S+)/
      .exec(
        clients.split('\n').find((line) => line.includes(`name=${keyPrefix}session-events`)) ?? '',
      )
      ?.at(1);
    expect(id).toBeDefined();
    await admin.client('KILL', 'ID', id!);
    // ioredis connects again within tens of milliseconds: too soon to poll `live` turning false
    // reliably, so the test reads the two resets (gone, then back) and `live` after them.
    await within(3_000, () => a.seen.length === 2 && a.events.live);
    expect(a.seen).toEqual([{ kind: 'reset' }, { kind: 'reset' }]);
    await a.events.publish({ kind: 'account', accountId: 'acc-1' });
    await within(1_000, () => revocations(a.seen).length === 1);
  });

  it('reads a message nobody should have sent as a reset', async () => {
    const keyPrefix = prefix();
    const a = processOn(keyPrefix);
    await a.events.ready();
    const before = a.seen.length;
    await admin.publish(`${keyPrefix}sessions:revoked`, '{"kind":"sessions","tokenHashes":"x"}');
    await within(1_000, () => a.seen.length > before);
    expect(a.seen.at(-1)).toEqual({ kind: 'reset' });
  });
});

const targets = await databaseTargets();
const server = targets.find((t) => t.kind === 'postgres')!;

describe('sessionEvents: the transport follows from what the app runs on', () => {
  const keyPrefix = `switchyard-test:${randomUUID().slice(0, 8)}:`;

  it('none on PGlite, whose data one process holds, even with a Redis client', async () => {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    const db = await targets.find((t) => t.kind === 'pglite')!.open();
    try {
      expect(sessionEvents({ db, redis, keyPrefix, log: quiet }).transport).toBe('local');
    } finally {
      await db.close();
      await redis.quit();
    }
  });

  const choosing =
    'Redis with a client, LISTEN/NOTIFY without, on the server; none for a wrapper that cannot LISTEN';
  if (server.skipReason) it.skip(`${choosing} (skipped: ${server.skipReason})`, () => {});
  else
    it(choosing, async () => {
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
      const db = await server.open();
      const chosen = [
        sessionEvents({ db, redis, keyPrefix, log: quiet }),
        sessionEvents({ db, redis: undefined, keyPrefix, log: quiet }),
      ];
      const wrapper: Database = {
        kind: db.kind,
        query: (text, values) => db.query(text, values),
        transaction: (work) => db.transaction(work),
        ping: () => db.ping(),
        close: () => db.close(),
      };
      try {
        await Promise.all(chosen.map((events) => events.ready()));
        expect(chosen.map((events) => [events.transport, events.live])).toEqual([
          ['redis', true],
          ['postgres', true],
        ]);
        expect(
          sessionEvents({ db: wrapper, redis: undefined, keyPrefix, log: quiet }).transport,
        ).toBe('local');
      } finally {
        for (const events of chosen) await events.close();
        await db.close();
        await redis.quit();
      }
    });
});
