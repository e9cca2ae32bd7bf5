import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../src/testing/index.js';
import type { Database } from '../src/lib/db/index.js';
import { migrate } from '../src/lib/db/index.js';
import {
  AccountsRepository,
  ConversationsRepository,
  SessionsRepository,
  encodeCursor,
} from '../src/lib/repositories/index.js';
import { buildAccount } from '../src/testing/factories.js';

// The sessions table stores a token's hash; any fixed-length hex string serves here.
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

const targets = await databaseTargets();

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

  async function newAccount() {
    const a = buildAccount();
    return accounts.create({ username: a.username, passwordHash: 'scrypt$x' });
  }

  describe('migrations', () => {
    it_('reports the schema at the newest version and applies nothing twice', async () => {
      const again = await migrate(db);
      expect(again.applied).toEqual([]);
      // 004: the idempotency keys (003 is the sessions helper's; renumbered at merge).
      expect(again.to).toBe(4);
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

  describe('ConversationsRepository: idempotency keys', () => {
    const ttlSeconds = 3_600;

    it_('claims a key once; the others see it pending, then done with its answer', async () => {
      const { id: accountId } = await newAccount();
      const input = { accountId, key: 'k-1', fingerprint: 'f-1', ttlSeconds };
      expect(await conversations.claimIdempotencyKey(input)).toEqual({ state: 'claimed' });
      expect(await conversations.claimIdempotencyKey(input)).toEqual({
        state: 'pending',
        fingerprint: 'f-1',
      });
      await conversations.completeIdempotencyKey(accountId, 'k-1', { answer: [1, 'two'] });
      // Releasing a completed key keeps it: only a failed (pending) claim is freed.
      await conversations.releaseIdempotencyKey(accountId, 'k-1');
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
      });
      const input = { accountId, key: 'old', fingerprint: 'f', ttlSeconds };
      await conversations.claimIdempotencyKey(input);
      await conversations.completeIdempotencyKey(accountId, 'old', { n: 1 });
      await db.query(
        `UPDATE idempotency_keys SET created_at = now() - interval '3601 seconds'
          WHERE account_id = ANY($1::uuid[])`,
        [[accountId, elsewhere]],
      );
      // Past the TTL the row is purged and the key is new again, whatever the request.
      expect(await conversations.claimIdempotencyKey({ ...input, fingerprint: 'another' })).toEqual(
        { state: 'claimed' },
      );
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
      await conversations.releaseIdempotencyKey(accountId, 'old');
      expect(await conversations.claimIdempotencyKey(input)).toEqual({ state: 'claimed' });
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
