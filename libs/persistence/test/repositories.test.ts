import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../src/testing/index.js';
import type { Database, NamedQuery, Queryable, QueryValues } from '../src/lib/db/index.js';
import type { HeldKey, IdempotencyKeyInput } from '../src/lib/repositories/index.js';
import { migrate, openDatabase } from '../src/lib/db/index.js';
import {
  AccountsRepository,
  ConversationsRepository,
  IdempotencyClaimLostError,
  SessionsRepository,
  encodeCursor,
} from '../src/lib/repositories/index.js';
import { buildAccount } from '../src/testing/factories.js';
import { createServerDatabase, TEST_DATABASE_URL } from '../src/testing/databases.js';

// The sessions table stores a token's hash; any fixed-length hex string serves here.
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

const targets = await databaseTargets();

/** Every query a Queryable is sent, by name (a named statement) or text: one per round trip. */
function counting(db: Queryable): Queryable & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    query: (text: string | NamedQuery, values?: QueryValues) => {
      sent.push(typeof text === 'string' ? text : text.name);
      return db.query(text, values);
    },
  };
}

describe.each(targets)('repositories on $kind', (target) => {
  let db: Database;
  let accounts: AccountsRepository;
  let sessions: SessionsRepository;
  let conversations: ConversationsRepository;

  beforeAll(async () => {
    if (target.skipReason) return;
    db = await target.open();
    accounts = new AccountsRepository(db);
    sessions = new SessionsRepository(db);
    conversations = new ConversationsRepository(db);
  });
  afterAll(async () => {
    await db?.close();
  });

  const it_ = target.skipReason ? it.skip : it;
  if (target.skipReason) it.skip(`(skipped: ${target.skipReason})`, () => {});

  /** An exchange to store for `accountId`: echo's, unless `extra` says otherwise. */
  const exchange = (accountId: string, extra: object = {}) => ({
    accountId,
    botId: 'echo',
    text: 'q',
    replyText: 'a',
    ...extra,
  });

  async function newAccount() {
    const a = buildAccount();
    return accounts.create({ username: a.username, passwordHash: 'scrypt$x' });
  }

  describe('migrations', () => {
    it_('reports the schema at the newest version and applies nothing twice', async () => {
      const again = await migrate(db);
      expect(again.applied).toEqual([]);
      // 004: the idempotency keys (003 is the sessions helper's; renumbered at merge); 005 their
      // claims' tokens and leases.
      expect(again.to).toBe(5);
      const { rows } = await db.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
      );
      expect(rows.map((r) => r.table_name)).toEqual(
        expect.arrayContaining([
          'accounts',
          'conversations',
          'idempotency_keys',
          'messages',
          'sessions',
        ]),
      );
    });
  });

  describe('AccountsRepository', () => {
    it_('creates an account and finds it by username in any letter case', async () => {
      const created = await accounts.create({ username: 'Ada.Lovelace', passwordHash: 'scrypt$h' });
      expect(created).toMatchObject({ username: 'Ada.Lovelace' });
      expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(Number.isNaN(Date.parse(created.createdAt))).toBe(false);
      const found = await accounts.findByUsername('ada.lovelace');
      expect(found).toMatchObject({ id: created.id, passwordHash: 'scrypt$h' });
    });

    it_('throws SWY_ERR_USERNAME_TAKEN for a username that differs only in case', async () => {
      await accounts.create({ username: 'grace', passwordHash: 'x' });
      await expect(accounts.create({ username: 'GRACE', passwordHash: 'y' })).rejects.toMatchObject(
        {
          code: 'SWY_ERR_USERNAME_TAKEN',
          status: 409,
        },
      );
    });

    it_('returns undefined for an unknown username', async () => {
      expect(await accounts.findByUsername('nobody-here')).toBeUndefined();
    });
  });

  describe('SessionsRepository', () => {
    it_('finds the owner of a live session and forgets it after delete', async () => {
      const account = await newAccount();
      const tokenHash = hashToken('token-one-xxxxxxxxxxxxxxxx');
      const expiresAt = await sessions.create({
        tokenHash,
        accountId: account.id,
        ttlSeconds: 3600,
      });
      expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now() + 3500_000);
      expect(await sessions.findOwner(tokenHash)).toMatchObject({
        accountId: account.id,
        username: account.username,
      });
      expect(await sessions.delete(tokenHash)).toBe(true);
      expect(await sessions.findOwner(tokenHash)).toBeUndefined();
      expect(await sessions.delete(tokenHash)).toBe(false);
    });

    it_('treats an expired session as absent and deletes it in cleanup', async () => {
      const account = await newAccount();
      const tokenHash = hashToken('token-expired-xxxxxxxxxxxx');
      await sessions.create({ tokenHash, accountId: account.id, ttlSeconds: -1 });
      expect(await sessions.findOwner(tokenHash)).toBeUndefined();
      expect(await sessions.deleteExpired()).toBeGreaterThanOrEqual(1);
      const { rows } = await db.query('SELECT 1 FROM sessions WHERE token_hash = $1', [tokenHash]);
      expect(rows).toHaveLength(0);
    });

    it_('deletes at most `limit` expired sessions a call', async () => {
      await sessions.deleteExpired();
      const account = await newAccount();
      for (const n of [1, 2, 3]) {
        await sessions.create({
          tokenHash: hashToken(`bounded-purge-${n}-xxxxxxxxxxxx`),
          accountId: account.id,
          ttlSeconds: -1,
        });
      }
      expect(await sessions.deleteExpired(2)).toBe(2);
      expect(await sessions.deleteExpired(2)).toBe(1);
      expect(await sessions.deleteExpired(2)).toBe(0);
    });

    it_("keeps an account's newest live sessions and ends all of them on request", async () => {
      const account = await newAccount();
      const other = await newAccount();
      const hashes = [1, 2, 3].map((n) => hashToken(`cap-${n}-xxxxxxxxxxxxxxxxxxxx`));
      for (const tokenHash of hashes) {
        await sessions.create({ tokenHash, accountId: account.id, ttlSeconds: 600 });
      }
      const theirs = hashToken('cap-other-xxxxxxxxxxxxxxxxxx');
      await sessions.create({ tokenHash: theirs, accountId: other.id, ttlSeconds: 600 });
      // The one ended, by its hash (sessions made in the same millisecond tie on created_at, and
      // the tie is broken by hash: which one goes is the repository's order, not the test's).
      const ended = await sessions.keepNewest(account.id, 2);
      expect(ended).toHaveLength(1);
      expect(hashes).toContain(ended[0]);
      expect(await sessions.findOwner(ended[0]!)).toBeUndefined();
      for (const kept of hashes.filter((hash) => hash !== ended[0])) {
        expect(await sessions.findOwner(kept)).toBeDefined();
      }
      expect(await sessions.deleteAllForAccount(account.id)).toBe(2);
      expect(await sessions.findOwner(hashes[1]!)).toBeUndefined();
      expect(await sessions.findOwner(theirs)).toBeDefined();
    });
  });

  describe('ConversationsRepository', () => {
    it_("hides another account's conversation", async () => {
      const owner = await newAccount();
      const other = await newAccount();
      const conversation = await conversations.create({ accountId: owner.id, botId: 'echo' });
      expect(await conversations.findOwned(owner.id, conversation.id)).toMatchObject({
        id: conversation.id,
        botId: 'echo',
        messageCount: 0,
      });
      expect(await conversations.findOwned(other.id, conversation.id)).toBeUndefined();
    });

    it_('appends messages with consecutive seq numbers, also when appends race', async () => {
      const owner = await newAccount();
      const { id } = await conversations.create({ accountId: owner.id, botId: 'echo' });
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          db.transaction((tx) =>
            new ConversationsRepository(tx).appendMessages(id, [
              { role: 'user', text: `q${i}` },
              { role: 'bot', text: `a${i}` },
            ]),
          ),
        ),
      );
      const { rows } = await db.query<{ seq: number; role: string; text: string }>(
        'SELECT seq, role, text FROM messages WHERE conversation_id = $1 ORDER BY seq',
        [id],
      );
      expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
      // Each pair stays together: a question is always followed by its own answer.
      for (let i = 0; i < 16; i += 2) {
        expect(rows[i]!.role).toBe('user');
        expect(rows[i + 1]!.text).toBe(rows[i]!.text.replace('q', 'a'));
      }
      expect((await conversations.findOwned(owner.id, id))!.messageCount).toBe(16);
    });

    it_('pages messages oldest first and ends with a null cursor', async () => {
      const owner = await newAccount();
      const { id } = await conversations.create({ accountId: owner.id, botId: 'echo' });
      await conversations.appendMessages(
        id,
        Array.from({ length: 5 }, (_, i) => ({ role: 'user' as const, text: `m${i + 1}` })),
      );
      const first = await conversations.listMessages(id, { limit: 2 });
      expect(first.items.map((m) => m.text)).toEqual(['m1', 'm2']);
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await conversations.listMessages(id, { limit: 2, cursor: first.nextCursor! });
      expect(second.items.map((m) => m.text)).toEqual(['m3', 'm4']);
      const third = await conversations.listMessages(id, { limit: 2, cursor: second.nextCursor! });
      expect(third.items.map((m) => m.text)).toEqual(['m5']);
      expect(third.nextCursor).toBeNull();
    });

    it_("pages conversations newest first, only the owner's", async () => {
      const owner = await newAccount();
      const other = await newAccount();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        ids.push((await conversations.create({ accountId: owner.id, botId: 'echo' })).id);
      }
      await conversations.create({ accountId: other.id, botId: 'echo' });
      const first = await conversations.listOwned(owner.id, { limit: 2 });
      expect(first.items.map((c) => c.id)).toEqual([ids[2], ids[1]]);
      const rest = await conversations.listOwned(owner.id, { limit: 2, cursor: first.nextCursor! });
      expect(rest.items.map((c) => c.id)).toEqual([ids[0]]);
      expect(rest.nextCursor).toBeNull();
    });

    it_('rejects a malformed cursor with SWY_ERR_INVALID_CURSOR', async () => {
      const owner = await newAccount();
      const { id } = await conversations.create({ accountId: owner.id, botId: 'echo' });
      for (const cursor of [
        'not base64!',
        encodeCursor({ other: 1 }),
        encodeCursor({ seq: -1 }),
        'e30',
        // messages.seq is an integer column: 2^31 would overflow it in the query.
        encodeCursor({ seq: 2 ** 31 }),
        encodeCursor({ seq: '2147483648' }),
      ]) {
        await expect(conversations.listMessages(id, { limit: 2, cursor })).rejects.toMatchObject({
          code: 'SWY_ERR_INVALID_CURSOR',
          status: 400,
        });
      }
      // The column's own bound is a cursor like any other: past every message, an empty page.
      const atBound = await conversations.listMessages(id, {
        limit: 2,
        cursor: encodeCursor({ seq: 2 ** 31 - 1 }),
      });
      expect(atBound.items).toEqual([]);
    });
  });

  describe('ConversationsRepository.storeExchange', () => {
    it_('starts a conversation with both messages in one round trip', async () => {
      const owner = await newAccount();
      const db1 = counting(db);
      const stored = await new ConversationsRepository(db1).storeExchange(exchange(owner.id));
      expect(db1.sent).toEqual(['conversations.store-exchange-new']);
      expect(stored).toMatchObject({
        botId: 'echo',
        message: { seq: 1, role: 'user', text: 'q', conversationId: stored.conversationId },
        reply: { seq: 2, role: 'bot', text: 'a', conversationId: stored.conversationId },
      });
      expect(Object.keys(stored)).toEqual(['conversationId', 'botId', 'message', 'reply']);
      // What a later read shows is what the statement answered, createdAt to the millisecond.
      const page = await conversations.listMessages(stored.conversationId, { limit: 10 });
      expect(page.items).toEqual([stored.message, stored.reply]);
      expect(await conversations.findOwned(owner.id, stored.conversationId)).toMatchObject({
        messageCount: 2,
      });
    });

    it_(
      'continues a conversation in one round trip, seq consecutive when exchanges race',
      async () => {
        const owner = await newAccount();
        const { conversationId } = await conversations.storeExchange(exchange(owner.id));
        const db1 = counting(db);
        const repo = new ConversationsRepository(db1);
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            repo.storeExchange(
              exchange(owner.id, { conversationId, text: `q${i}`, replyText: `a${i}` }),
            ),
          ),
        );
        expect(db1.sent).toEqual(Array(8).fill('conversations.store-exchange-continued'));
        const { rows } = await db.query<{ seq: number; role: string; text: string }>(
          'SELECT seq, role, text FROM messages WHERE conversation_id = $1 ORDER BY seq',
          [conversationId],
        );
        expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
        for (let i = 2; i < 18; i += 2) {
          expect(rows[i]!.role).toBe('user');
          expect(rows[i + 1]!.text).toBe(rows[i]!.text.replace('q', 'a'));
        }
        for (const r of results) expect(r.reply.seq).toBe(r.message.seq + 1);
        expect((await conversations.findOwned(owner.id, conversationId))!.messageCount).toBe(18);
      },
    );

    it_("writes nothing to another account's conversation, or another bot's", async () => {
      const owner = await newAccount();
      const other = await newAccount();
      const { conversationId } = await conversations.storeExchange(exchange(owner.id));
      const claim = await conversations.claimIdempotencyKey({
        accountId: other.id,
        key: 'foreign',
        fingerprint: 'f',
        ttlSeconds: 3_600,
        leaseMs: 60_000,
      });
      if (claim.state !== 'claimed') throw new Error(`claimed, not ${claim.state}`);
      await expect(
        conversations.storeExchange(
          exchange(other.id, { conversationId, idempotencyKey: claim.held }),
        ),
      ).rejects.toThrow(/does not exist/);
      await expect(
        conversations.storeExchange(exchange(owner.id, { conversationId, botId: 'model' })),
      ).rejects.toThrow(/does not exist/);
      expect((await conversations.findOwned(owner.id, conversationId))!.messageCount).toBe(2);
      const { rows } = await db.query(
        'SELECT response FROM idempotency_keys WHERE account_id = $1 AND key = $2',
        [other.id, 'foreign'],
      );
      expect(rows).toEqual([{ response: null }]);
    });

    it_('stores the answer under the claimed key in the same statement', async () => {
      const owner = await newAccount();
      const input = {
        accountId: owner.id,
        key: 'k-x',
        fingerprint: 'f',
        ttlSeconds: 3_600,
        leaseMs: 60_000,
      };
      const claim = await conversations.claimIdempotencyKey(input);
      if (claim.state !== 'claimed') throw new Error(`claimed, not ${claim.state}`);
      const db1 = counting(db);
      const stored = await new ConversationsRepository(db1).storeExchange(
        exchange(owner.id, { idempotencyKey: claim.held }),
      );
      expect(db1.sent).toHaveLength(1);
      expect(await conversations.claimIdempotencyKey(input)).toEqual({
        state: 'done',
        fingerprint: 'f',
        response: stored,
      });
    });

    it_('claims a key in one round trip', async () => {
      const owner = await newAccount();
      const db1 = counting(db);
      const repo = new ConversationsRepository(db1);
      const input = {
        accountId: owner.id,
        key: 'k-once',
        fingerprint: 'f',
        ttlSeconds: 3_600,
        leaseMs: 60_000,
      };
      expect(await repo.claimIdempotencyKey(input)).toEqual({
        state: 'claimed',
        held: { key: 'k-once', claim: expect.stringMatching(/^[0-9a-f-]{36}$/) },
      });
      expect(await repo.claimIdempotencyKey(input)).toEqual({ state: 'pending', fingerprint: 'f' });
      expect(db1.sent).toEqual(['idempotency-keys.claim', 'idempotency-keys.claim']);
    });
  });

  describe('named statements', () => {
    it_('are prepared once on a connection, then only executed there', async () => {
      const owner = await newAccount();
      // One transaction: one connection, whose session the view describes.
      const [before, after] = await db.transaction(async (tx) => {
        const runs = async () => {
          const { rows } = await tx.query<{ runs: string; prepared: Date }>(
            `SELECT generic_plans + custom_plans AS runs, prepare_time AS prepared
               FROM pg_prepared_statements WHERE name = 'conversations.store-exchange-new'`,
          );
          return rows[0];
        };
        const repo = new ConversationsRepository(tx);
        const input = { accountId: owner.id, botId: 'echo', text: 'q', replyText: 'a' };
        await repo.storeExchange(input);
        const first = await runs();
        await repo.storeExchange(input);
        await repo.storeExchange(input);
        return [first, await runs()];
      });
      expect(before).toBeDefined();
      expect(Number(after!.runs)).toBe(Number(before!.runs) + 2);
      expect(after!.prepared).toEqual(before!.prepared);
    });
  });

  describe('ConversationsRepository: idempotency keys', () => {
    const ttlSeconds = 3_600;
    const leaseMs = 60_000;

    /** Claims a key that must be free, and returns the held key. */
    async function claimFree(input: IdempotencyKeyInput): Promise<HeldKey> {
      const claim = await conversations.claimIdempotencyKey(input);
      if (claim.state !== 'claimed') throw new Error(`claimed, not ${claim.state}`);
      return claim.held;
    }

    it_('claims a key once; the others see it pending, then done with its answer', async () => {
      const { id: accountId } = await newAccount();
      const input = { accountId, key: 'k-1', fingerprint: 'f-1', ttlSeconds, leaseMs };
      const held = await claimFree(input);
      expect(await conversations.claimIdempotencyKey(input)).toEqual({
        state: 'pending',
        fingerprint: 'f-1',
      });
      expect(
        await conversations.completeIdempotencyKey(accountId, held, { answer: [1, 'two'] }),
      ).toBe(true);
      // Releasing a completed key keeps it: only a failed (pending) claim is freed.
      await conversations.releaseIdempotencyKey(accountId, held);
      expect(await conversations.claimIdempotencyKey({ ...input, fingerprint: 'other' })).toEqual({
        state: 'done',
        fingerprint: 'f-1',
        response: { answer: [1, 'two'] },
      });
    });

    it_('lets exactly one of concurrent claims win (the primary key decides)', async () => {
      const { id: accountId } = await newAccount();
      const claims = await Promise.all(
        Array.from({ length: 10 }, () =>
          conversations.claimIdempotencyKey({
            accountId,
            key: 'race',
            fingerprint: 'f',
            ttlSeconds,
            leaseMs,
          }),
        ),
      );
      expect(claims.filter((c) => c.state === 'claimed')).toHaveLength(1);
      expect(claims.filter((c) => c.state === 'pending')).toHaveLength(9);
    });

    it_("forgets a key older than the TTL, any account's, and frees a released one", async () => {
      const { id: accountId } = await newAccount();
      const { id: elsewhere } = await newAccount();
      await conversations.claimIdempotencyKey({
        accountId: elsewhere,
        key: 'gone',
        fingerprint: 'f',
        ttlSeconds,
        leaseMs,
      });
      const input = { accountId, key: 'old', fingerprint: 'f', ttlSeconds, leaseMs };
      await conversations.completeIdempotencyKey(accountId, await claimFree(input), { n: 1 });
      await db.query(
        `UPDATE idempotency_keys SET created_at = now() - interval '3601 seconds'
          WHERE account_id = ANY($1::uuid[])`,
        [[accountId, elsewhere]],
      );
      // Past the TTL the row is purged and the key is new again, whatever the request.
      const again = await claimFree({ ...input, fingerprint: 'another' });
      const { rows } = await db.query<{ fingerprint: string }>(
        'SELECT fingerprint FROM idempotency_keys WHERE account_id = $1',
        [accountId],
      );
      expect(rows).toEqual([{ fingerprint: 'another' }]);
      // The other account's expired key was purged too.
      const purged = await db.query('SELECT 1 FROM idempotency_keys WHERE account_id = $1', [
        elsewhere,
      ]);
      expect(purged.rows).toEqual([]);
      await conversations.releaseIdempotencyKey(accountId, again);
      expect(await conversations.claimIdempotencyKey(input)).toMatchObject({ state: 'claimed' });
    });

    /** Moves a key's claim `ms` into the past, as if its holder had been at work that long. */
    const age = (accountId: string, key: string, ms: number) =>
      db.query(
        `UPDATE idempotency_keys SET claimed_at = claimed_at - make_interval(secs => $3::double precision / 1000)
          WHERE account_id = $1 AND key = $2`,
        [accountId, key, ms],
      );
    const conversationsOf = async (accountId: string) =>
      (await db.query('SELECT 1 FROM conversations WHERE account_id = $1', [accountId])).rows
        .length;

    it_(
      'lets a claim unanswered past the lease be taken over, by the same request only',
      async () => {
        const owner = await newAccount();
        const input = { accountId: owner.id, key: 'k-dead', fingerprint: 'f', ttlSeconds, leaseMs };
        const first = await claimFree(input);
        await age(owner.id, 'k-dead', leaseMs - 1_000);
        expect(await conversations.claimIdempotencyKey(input)).toEqual({
          state: 'pending',
          fingerprint: 'f',
        });
        await age(owner.id, 'k-dead', 2_000);
        // Another request with the key is refused, lease or not (the service answers 422).
        expect(await conversations.claimIdempotencyKey({ ...input, fingerprint: 'other' })).toEqual(
          { state: 'pending', fingerprint: 'f' },
        );
        const second = await claimFree(input);
        expect(second.claim).not.toBe(first.claim);
        // The new claim has a lease of its own.
        expect(await conversations.claimIdempotencyKey(input)).toEqual({
          state: 'pending',
          fingerprint: 'f',
        });

        // The first holder, were it still at work, stores nothing, answers nothing, frees nothing.
        await expect(
          conversations.storeExchange(exchange(owner.id, { idempotencyKey: first })),
        ).rejects.toThrow(IdempotencyClaimLostError);
        expect(await conversationsOf(owner.id)).toBe(0);
        expect(await conversations.completeIdempotencyKey(owner.id, first, { n: 1 })).toBe(false);
        await conversations.releaseIdempotencyKey(owner.id, first);
        expect(await conversations.claimIdempotencyKey(input)).toMatchObject({ state: 'pending' });

        const stored = await conversations.storeExchange(
          exchange(owner.id, { idempotencyKey: second }),
        );
        expect(await conversations.claimIdempotencyKey(input)).toEqual({
          state: 'done',
          fingerprint: 'f',
          response: stored,
        });
        expect(await conversationsOf(owner.id)).toBe(1);
      },
    );

    // Two connections: PGlite is one, so only the server can show the lock ordering them (the
    // case is not registered on PGlite rather than skipped there).
    if (target.kind === 'postgres')
      it_('makes a store wait on a takeover that holds the row, then store nothing', async () => {
        const owner = await newAccount();
        const input = { accountId: owner.id, key: 'k-race', fingerprint: 'f', ttlSeconds, leaseMs };
        const first = await claimFree(input);
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        let locked!: () => void;
        const isLocked = new Promise<void>((resolve) => (locked = resolve));
        // A takeover's row lock, held open in a transaction of its own.
        const takeover = db.transaction(async (tx) => {
          await tx.query(
            `UPDATE idempotency_keys SET claim = gen_random_uuid(), claimed_at = now()
              WHERE account_id = $1 AND key = $2`,
            [owner.id, 'k-race'],
          );
          locked();
          await released;
        });
        await isLocked;
        let settled = false;
        const store = conversations
          .storeExchange(exchange(owner.id, { idempotencyKey: first }))
          .finally(() => (settled = true));
        store.catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(settled, 'the store waited on the lock').toBe(false);
        release();
        await takeover;
        await expect(store).rejects.toThrow(IdempotencyClaimLostError);
        expect(await conversationsOf(owner.id)).toBe(0);
      });
  });

  describe('Database.transaction', () => {
    it_('rolls back every statement when the work throws', async () => {
      const before = await db.query<{ n: string }>('SELECT count(*) AS n FROM accounts');
      await expect(
        db.transaction(async (tx) => {
          await new AccountsRepository(tx).create({ username: 'rolled-back', passwordHash: 'x' });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      const after = await db.query<{ n: string }>('SELECT count(*) AS n FROM accounts');
      expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
      expect(await accounts.findByUsername('rolled-back')).toBeUndefined();
    });
  });
});

describe('openDatabase on the PostgreSQL server: DB_POOL_SIZE', () => {
  const server = targets.find((t) => t.kind === 'postgres')!;
  const it_ = server.skipReason ? it.skip : it;

  /** The server processes that answer `n` queries sent at once, each holding its connection. */
  async function backendsFor(poolSize: number | undefined, n: number): Promise<number> {
    const created = await createServerDatabase(TEST_DATABASE_URL);
    const db = await openDatabase({
      url: created.url,
      migrate: false,
      ...(poolSize ? { poolSize } : {}),
    });
    try {
      const pids = await Promise.all(
        Array.from({ length: n }, () =>
          db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid, pg_sleep(0.2)'),
        ),
      );
      return new Set(pids.map((r) => r.rows[0]!.pid)).size;
    } finally {
      await db.close();
      await created.drop();
    }
  }

  it_('opens at most poolSize connections, and 10 by default', async () => {
    expect(await backendsFor(1, 4)).toBe(1);
    expect(await backendsFor(3, 8)).toBe(3);
    expect(await backendsFor(undefined, 12)).toBe(10);
  });
});
