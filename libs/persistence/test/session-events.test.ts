import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../src/lib/db/index.js';
import {
  HASHES_PER_EVENT,
  eventChunks,
  parseEvent,
  SESSION_LISTENER_NAME,
  pgSessionEvents,
  type SessionEvent,
  type SessionEvents,
} from '../src/lib/sessions/index.js';
import { databaseTargets } from '../src/testing/index.js';
import { quiet, revocations, within } from './events-support.js';

const hash = (n: number) => n.toString(16).padStart(64, '0');

describe('session event messages', () => {
  it('splits a long list of sessions into messages of at most HASHES_PER_EVENT', () => {
    const tokenHashes = Array.from({ length: 2 * HASHES_PER_EVENT + 1 }, (_, i) => hash(i));
    const chunks = eventChunks({ kind: 'sessions', tokenHashes });
    expect(chunks.map((c) => (c.kind === 'sessions' ? c.tokenHashes.length : 0))).toEqual([
      HASHES_PER_EVENT,
      HASHES_PER_EVENT,
      1,
    ]);
    // Each fits a NOTIFY payload (under 8000 bytes).
    for (const chunk of chunks) expect(JSON.stringify(chunk).length).toBeLessThan(8000);
  });

  it('reads a revocation back, and anything it cannot read as a reset', () => {
    expect(parseEvent(JSON.stringify({ kind: 'sessions', tokenHashes: [hash(1)] }))).toEqual({
      kind: 'sessions',
      tokenHashes: [hash(1)],
    });
    expect(parseEvent('{"kind":"account","accountId":"a1"}')).toEqual({
      kind: 'account',
      accountId: 'a1',
    });
    for (const junk of [
      'not json',
      'null',
      '[]',
      '{"kind":"sessions","tokenHashes":["short"]}',
      JSON.stringify({ kind: 'sessions', tokenHashes: Array(HASHES_PER_EVENT + 1).fill(hash(1)) }),
      '{"kind":"account","accountId":7}',
      '{"kind":"something else"}',
    ]) {
      expect(parseEvent(junk)).toEqual({ kind: 'reset' });
    }
  });
});

const server = (await databaseTargets()).find((t) => t.kind === 'postgres')!;

describe('pgSessionEvents (LISTEN/NOTIFY on the server)', () => {
  if (server.skipReason) {
    it.skip(`(skipped: ${server.skipReason})`, () => {});
    return;
  }
  const opened: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const item of opened.splice(0).reverse()) await item.close();
  });

  async function open(): Promise<Database> {
    const db = await server.open();
    opened.push(db);
    return db;
  }
  function listen(db: Database, options: { reconnectMs?: number; heartbeatMs?: number } = {}) {
    const events = pgSessionEvents(db, { log: quiet, ...options });
    opened.push(events);
    const seen: SessionEvent[] = [];
    events.onEvent((event) => seen.push(event));
    return { events, seen };
  }

  it('carries a revocation to every listener of the database within a second', async () => {
    const db = await open();
    const a = listen(db);
    const b = listen(db);
    await Promise.all([a.events.ready(), b.events.ready()]);
    expect([a.events.live, b.events.live]).toEqual([true, true]);
    const tokenHashes = Array.from({ length: HASHES_PER_EVENT + 5 }, (_, i) => hash(i));
    await a.events.publish({ kind: 'sessions', tokenHashes });
    await a.events.publish({ kind: 'account', accountId: 'acc-1' });
    for (const side of [a, b]) {
      await within(1_000, () => revocations(side.seen).length === 3);
      expect(revocations(side.seen)).toEqual([
        { kind: 'sessions', tokenHashes: tokenHashes.slice(0, HASHES_PER_EVENT) },
        { kind: 'sessions', tokenHashes: tokenHashes.slice(HASHES_PER_EVENT) },
        { kind: 'account', accountId: 'acc-1' },
      ]);
    }
  });

  it('reads a NOTIFY nobody should have sent as a reset, and keeps listening', async () => {
    const db = await open();
    const a = listen(db);
    await a.events.ready();
    const before = a.seen.length;
    await db.query(`SELECT pg_notify('switchyard_sessions', 'garbage')`);
    await within(1_000, () => a.seen.length > before);
    expect(a.seen.at(-1)).toEqual({ kind: 'reset' });
    expect(a.events.live).toBe(true);
  });

  it('is not live while its connection is gone, says reset, and listens again', async () => {
    const db = await open();
    const a = listen(db, { reconnectMs: 100 });
    await a.events.ready();
    a.seen.length = 0;
    // The server ends the listening session (a restart, a failover, an admin).
    const { rows } = await db.query<{ ended: boolean }>(
      `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = $1`,
      [SESSION_LISTENER_NAME],
    );
    expect(rows).toEqual([{ ended: true }]);
    await within(1_000, () => !a.events.live);
    expect(a.seen).toEqual([{ kind: 'reset' }]);
    await within(2_000, () => a.events.live);
    // Back: a reset again (anything cached meanwhile may be stale), then events flow.
    expect(a.seen).toEqual([{ kind: 'reset' }, { kind: 'reset' }]);
    await a.events.publish({ kind: 'account', accountId: 'acc-2' });
    await within(1_000, () => revocations(a.seen).length === 1);
  });

  it('publishes nothing and stops listening once closed', async () => {
    const db = await open();
    const a = listen(db);
    const b: { events: SessionEvents; seen: SessionEvent[] } = listen(db);
    await Promise.all([a.events.ready(), b.events.ready()]);
    await b.events.close();
    expect(b.events.live).toBe(false);
    await b.events.publish({ kind: 'account', accountId: 'never' });
    await a.events.publish({ kind: 'account', accountId: 'acc-3' });
    await within(1_000, () => revocations(a.seen).length === 1);
    expect(revocations(a.seen)).toEqual([{ kind: 'account', accountId: 'acc-3' }]);
    expect(revocations(b.seen)).toEqual([]);
  });
});
