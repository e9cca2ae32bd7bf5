import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAccount, databaseTargets } from '@switchyard/persistence/testing';
import type { Database, NamedQuery, Queryable, QueryValues } from '@switchyard/persistence';
import { createServices, type Principal } from '../src/lib/use-cases/index.js';
import { testDependencies, unlimited } from './support.js';

/**
 * The database the chat use case gets, counting what it sends: each query (by statement name,
 * or text) is one round trip, and a transaction's BEGIN and COMMIT are two more.
 */
function counting(db: Database): Database & { sent: string[] } {
  const sent: string[] = [];
  const counted = (q: Queryable): Queryable => ({
    query: (text: string | NamedQuery, values?: QueryValues) => {
      sent.push(typeof text === 'string' ? text : text.name);
      return q.query(text, values);
    },
  });
  return {
    ...db,
    sent,
    query: counted(db).query,
    transaction: (work) => {
      sent.push('BEGIN');
      return db.transaction((tx) => work(counted(tx))).finally(() => sent.push('COMMIT'));
    },
  };
}

const targets = await databaseTargets();

describe.each(targets)('ChatService round trips on $kind', (target) => {
  let db: Database;
  const it_ = target.skipReason ? it.skip : it;
  if (target.skipReason) it.skip(`(skipped: ${target.skipReason})`, () => {});

  beforeAll(async () => {
    if (target.skipReason) return;
    db = await target.open();
  });
  afterAll(async () => {
    await db?.close();
  });

  function wired(database: Database) {
    return createServices(testDependencies(database, { limiters: { messages: unlimited } }));
  }

  async function principal(): Promise<Principal> {
    const services = wired(db);
    const body = buildAccount();
    await services.accounts.signUp(body);
    const { token } = await services.accounts.logIn(body);
    return services.accounts.authenticate(`Bearer ${token}`);
  }

  it_('stores a message in a new conversation in one round trip', async () => {
    const who = await principal();
    const db1 = counting(db);
    const result = await wired(db1).chat.send(who, 'echo', { text: 'hi' });
    expect(db1.sent).toEqual(['conversations.store-exchange-new']);
    expect(result.reply).toMatchObject({ seq: 2, text: 'echo: hi' });
  });

  it_('checks the conversation before the bot, then stores in one more', async () => {
    const who = await principal();
    const { conversationId } = await wired(db).chat.send(who, 'echo', { text: 'hi' });
    const db1 = counting(db);
    const result = await wired(db1).chat.send(who, 'echo', { text: 'again', conversationId });
    expect(db1.sent).toEqual([
      'conversations.find-owned',
      'conversations.store-exchange-continued',
    ]);
    expect([result.message.seq, result.reply.seq]).toEqual([3, 4]);
  });

  it_('with an Idempotency-Key: claim, store; a replay is the claim alone', async () => {
    const who = await principal();
    const db1 = counting(db);
    const chat = wired(db1).chat;
    const first = await chat.send(who, 'echo', { text: 'hi' }, undefined, 'rt-key');
    expect(db1.sent).toEqual(['idempotency-keys.claim', 'conversations.store-exchange-new']);
    db1.sent.length = 0;
    expect(await chat.send(who, 'echo', { text: 'hi' }, undefined, 'rt-key')).toEqual(first);
    expect(db1.sent).toEqual(['idempotency-keys.claim']);
  });

  it_('streams, then stores in one round trip', async () => {
    const who = await principal();
    const db1 = counting(db);
    await wired(db1).chat.stream(who, 'echo', { text: 'one two' }, { onChunk: () => undefined });
    expect(db1.sent).toEqual(['conversations.store-exchange-new']);
  });
});
