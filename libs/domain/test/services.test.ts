import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets, buildAccount } from '@switchyard/persistence/testing';
import type { Database, SessionEvent, SessionEvents } from '@switchyard/persistence';
import {
  createServices,
  type Limiter,
  type LimitDecision,
  type Principal,
  type Services,
} from '../src/lib/use-cases/index.js';
import { testDependencies } from './support.js';

const targets = await databaseTargets();

describe.each(targets)('use cases on $kind', (target) => {
  let db: Database;
  let services: Services;
  const it_ = target.skipReason ? it.skip : it;
  if (target.skipReason) it.skip(`(skipped: ${target.skipReason})`, () => {});

  beforeAll(async () => {
    if (target.skipReason) return;
    db = await target.open();
    services = createServices(testDependencies(db));
  });
  afterAll(async () => {
    await db?.close();
  });

  async function signedIn(): Promise<{ principal: Principal; token: string }> {
    const body = buildAccount();
    await services.accounts.signUp(body);
    const { token } = await services.accounts.logIn(body);
    return { principal: await services.accounts.authenticate(`Bearer ${token}`), token };
  }

  describe('accounts and sessions', () => {
    it_('signs up, logs in, authenticates the token and logs out', async () => {
      const body = buildAccount();
      const account = await services.accounts.signUp(body);
      expect(account).not.toHaveProperty('passwordHash');
      const session = await services.accounts.logIn({
        ...body,
        username: body.username.toUpperCase(),
      });
      const principal = await services.accounts.authenticate(`Bearer ${session.token}`);
      expect(principal).toMatchObject({ accountId: account.id, username: body.username });
      await services.accounts.logOut(principal);
      await expect(services.accounts.authenticate(`Bearer ${session.token}`)).rejects.toMatchObject(
        {
          code: 'SWY_ERR_AUTH_REQUIRED',
        },
      );
    });

    it_('answers a wrong password and an unknown user with the same error', async () => {
      const body = buildAccount();
      await services.accounts.signUp(body);
      // One at a time: a rejected promise nobody awaits yet would be an unhandled rejection.
      for (const attempt of [
        { ...body, password: 'not the password' },
        { username: 'no-such-user', password: body.password },
      ]) {
        await expect(services.accounts.logIn(attempt)).rejects.toMatchObject({
          code: 'SWY_ERR_AUTH_INVALID_CREDENTIALS',
          status: 401,
        });
      }
    });

    it_('stores a scrypt hash, never the password', async () => {
      const body = buildAccount({ password: 'a very secret password' });
      await services.accounts.signUp(body);
      const { rows } = await db.query<{ password_hash: string }>(
        'SELECT password_hash FROM accounts WHERE username = $1',
        [body.username],
      );
      expect(rows[0]!.password_hash).toMatch(/^scrypt\$/);
      expect(rows[0]!.password_hash).not.toContain(body.password);
    });
  });

  describe('session cache', () => {
    /** Counts the session lookups (the one query the cache saves) that reach the database. */
    function counting(inner: Database): Database & { lookups: number } {
      const counted = Object.create(inner) as Database & { lookups: number };
      counted.lookups = 0;
      counted.query = (text, values) => {
        const sql = typeof text === 'string' ? text : text.text;
        if (sql.includes('FROM sessions s JOIN accounts')) counted.lookups += 1;
        return inner.query(text, values);
      };
      return counted;
    }
    /** Another process's channel, played by the test: it can go down and deliver events. */
    function fakeEvents(): SessionEvents & {
      live: boolean;
      deliver(event: SessionEvent): void;
      published: unknown[];
    } {
      let listener: (event: SessionEvent) => void = () => undefined;
      return {
        transport: 'redis',
        live: true,
        published: [],
        async publish(revocation) {
          this.published.push(revocation);
        },
        onEvent: (next) => (listener = next),
        deliver: (event) => listener(event),
        ready: async () => undefined,
        close: async () => undefined,
      };
    }
    function withCache(events: SessionEvents, maxEntries = 100) {
      const counted = counting(db);
      const built = createServices(
        testDependencies(counted, {
          sessionCacheMaxEntries: maxEntries,
          sessionEvents: events,
        }),
      );
      return { counted, accounts: built.accounts, sockets: built.sockets };
    }
    async function tokenOf(accounts: Services['accounts']): Promise<string> {
      const body = buildAccount();
      await accounts.signUp(body);
      return `Bearer ${(await accounts.logIn(body)).token}`;
    }

    it_('looks a session up once, then answers from memory', async () => {
      const { counted, accounts } = withCache(fakeEvents());
      const auth = await tokenOf(accounts);
      const first = await accounts.authenticate(auth);
      for (let i = 0; i < 5; i += 1) expect(await accounts.authenticate(auth)).toEqual(first);
      expect(counted.lookups).toBe(1);
    });

    it_('refuses a logged-out session at once, and tells the other processes', async () => {
      const events = fakeEvents();
      const { accounts } = withCache(events);
      const auth = await tokenOf(accounts);
      const principal = await accounts.authenticate(auth);
      await accounts.logOut(principal);
      await expect(accounts.authenticate(auth)).rejects.toMatchObject({
        code: 'SWY_ERR_AUTH_REQUIRED',
      });
      expect(events.published).toEqual([{ kind: 'sessions', tokenHashes: [principal.tokenHash] }]);
    });

    it_(
      "drops a session another process ended, and closes this process's sockets of it",
      async () => {
        const events = fakeEvents();
        const { counted, accounts, sockets } = withCache(events);
        const auth = await tokenOf(accounts);
        const principal = await accounts.authenticate(auth);
        const closed: number[] = [];
        sockets.reserve(principal, 5).attach({ close: (code) => closed.push(code) });
        // The other process deleted the row and published; this one still holds it in memory.
        await db.query('DELETE FROM sessions WHERE token_hash = $1', [principal.tokenHash]);
        events.deliver({ kind: 'sessions', tokenHashes: [principal.tokenHash] });
        expect(closed).toEqual([4401]);
        await expect(accounts.authenticate(auth)).rejects.toMatchObject({
          code: 'SWY_ERR_AUTH_REQUIRED',
        });
        expect(counted.lookups).toBe(2);
      },
    );

    it_('drops every session of an account logged out everywhere in another process', async () => {
      const events = fakeEvents();
      const { accounts } = withCache(events);
      const body = buildAccount();
      await accounts.signUp(body);
      const tokens = [await accounts.logIn(body), await accounts.logIn(body)].map(
        (session) => `Bearer ${session.token}`,
      );
      const [principal] = await Promise.all(tokens.map((t) => accounts.authenticate(t)));
      await db.query('DELETE FROM sessions WHERE account_id = $1', [principal!.accountId]);
      events.deliver({ kind: 'account', accountId: principal!.accountId });
      for (const token of tokens) {
        await expect(accounts.authenticate(token)).rejects.toMatchObject({
          code: 'SWY_ERR_AUTH_REQUIRED',
        });
      }
    });

    it_(
      'asks the database every time while the channel is down, and forgets on reset',
      async () => {
        const events = fakeEvents();
        const { counted, accounts } = withCache(events);
        const auth = await tokenOf(accounts);
        await accounts.authenticate(auth);
        events.live = false;
        events.deliver({ kind: 'reset' });
        expect(accounts.cachedSessions).toBe(0);
        await accounts.authenticate(auth);
        await accounts.authenticate(auth);
        expect(counted.lookups).toBe(3);
        // Nothing was stored while down: back up, the first request looks it up again.
        events.live = true;
        await accounts.authenticate(auth);
        await accounts.authenticate(auth);
        expect(counted.lookups).toBe(4);
      },
    );

    it_('with SESSION_CACHE_MAX_ENTRIES=0, asks the database every time', async () => {
      const { counted, accounts } = withCache(fakeEvents(), 0);
      const auth = await tokenOf(accounts);
      for (let i = 0; i < 3; i += 1) await accounts.authenticate(auth);
      expect(counted.lookups).toBe(3);
    });
  });

  describe('chat', () => {
    it_('lists the bots from the registry', () => {
      expect(services.chat.listBots().map((b) => b.id)).toEqual(
        expect.arrayContaining(['echo', 'model', 'ensemble']),
      );
    });

    it_('stores the message and the reply, then continues the same conversation', async () => {
      const { principal } = await signedIn();
      const first = await services.chat.send(principal, 'echo', { text: 'hi' });
      expect(first.message).toMatchObject({ seq: 1, role: 'user', text: 'hi' });
      expect(first.reply).toMatchObject({ seq: 2, role: 'bot', text: 'echo: hi' });
      const second = await services.chat.send(principal, 'echo', {
        text: 'again',
        conversationId: first.conversationId,
      });
      expect(second.conversationId).toBe(first.conversationId);
      expect([second.message.seq, second.reply.seq]).toEqual([3, 4]);
      const page = await services.conversations.messages(principal, first.conversationId, {});
      expect(page.messages.map((m) => m.text)).toEqual(['hi', 'echo: hi', 'again', 'echo: again']);
    });

    it_('streams chunks that add up to the stored reply', async () => {
      const { principal } = await signedIn();
      const chunks: string[] = [];
      const result = await services.chat.stream(
        principal,
        'echo',
        { text: 'one two three' },
        {
          onChunk: (d) => {
            chunks.push(d);
          },
        },
      );
      expect(chunks.length).toBeGreaterThan(1);
      expect(chunks.join('')).toBe(result.reply.text);
      expect(result.reply.text).toBe('echo: one two three');
    });

    it_(
      'refuses an unknown bot, a foreign conversation and a conversation of another bot',
      async () => {
        const a = await signedIn();
        const b = await signedIn();
        await expect(services.chat.send(a.principal, 'nope', { text: 'x' })).rejects.toMatchObject({
          code: 'SWY_ERR_BOT_NOT_FOUND',
          status: 404,
        });
        const { conversationId } = await services.chat.send(a.principal, 'echo', { text: 'mine' });
        await expect(
          services.chat.send(b.principal, 'echo', { text: 'x', conversationId }),
        ).rejects.toMatchObject({ code: 'SWY_ERR_CONVERSATION_NOT_FOUND', status: 404 });
        await expect(
          services.conversations.messages(b.principal, conversationId, {}),
        ).rejects.toMatchObject({ code: 'SWY_ERR_CONVERSATION_NOT_FOUND' });
        await expect(
          services.chat.send(a.principal, 'model', { text: 'x', conversationId }),
        ).rejects.toMatchObject({ code: 'SWY_ERR_CONVERSATION_BOT_MISMATCH', status: 409 });
      },
    );

    it_('stores nothing when the bot fails', async () => {
      const { principal } = await signedIn();
      await expect(services.chat.send(principal, 'model', { text: 'x' })).rejects.toThrow();
      const list = await services.conversations.list(principal, {});
      expect(list.conversations).toEqual([]);
    });

    it_("lists only the caller's conversations, newest first, in pages", async () => {
      const a = await signedIn();
      const b = await signedIn();
      const ids: string[] = [];
      for (const text of ['1', '2', '3'])
        ids.push((await services.chat.send(a.principal, 'echo', { text })).conversationId);
      await services.chat.send(b.principal, 'echo', { text: 'other' });
      const page1 = await services.conversations.list(a.principal, { limit: 2 });
      expect(page1.conversations.map((c) => c.id)).toEqual([ids[2], ids[1]]);
      expect(page1.conversations[0]).toMatchObject({ botId: 'echo', messageCount: 2 });
      expect(page1.conversations[0]).not.toHaveProperty('accountId');
      const page2 = await services.conversations.list(a.principal, {
        limit: 2,
        cursor: page1.nextCursor!,
      });
      expect(page2).toEqual({
        conversations: [expect.objectContaining({ id: ids[0] })],
        nextCursor: null,
      });
    });
  });

  describe('message budget and idempotency keys', () => {
    /** A limiter that says what `decide` says and counts the units taken. */
    function fakeLimiter(decide: () => LimitDecision): Limiter & { taken: number } {
      return {
        taken: 0,
        async consume() {
          const decision = decide();
          if (decision.allowed) this.taken += 1;
          return decision;
        },
        async reset() {},
      };
    }
    const withLimiter = (messages: Limiter) =>
      createServices(testDependencies(db, { limiters: { messages } }));

    it_('spends one unit per message, none on a replay, and stores the first answer', async () => {
      const { principal } = await signedIn();
      const limiter = fakeLimiter(() => ({ allowed: true }));
      const chat = withLimiter(limiter).chat;
      const first = await chat.send(principal, 'echo', { text: 'hi' }, undefined, 'key-1');
      const again = await chat.send(principal, 'echo', { text: 'hi' }, undefined, 'key-1');
      expect(again).toEqual(first);
      expect(limiter.taken).toBe(1);
      const streamed = await chat.stream(
        principal,
        'echo',
        { text: 'hi' },
        {
          onChunk: () => {
            throw new Error('a replay streams nothing');
          },
          idempotencyKey: 'key-1',
        },
      );
      expect(streamed).toEqual(first);
      await expect(
        chat.send(principal, 'echo', { text: 'other' }, undefined, 'key-1'),
      ).rejects.toMatchObject({ code: 'SWY_ERR_IDEMPOTENCY_KEY_REUSED', status: 422 });
      expect(limiter.taken).toBe(1);
    });

    it_('answers 429 past the budget with Retry-After and frees the key it claimed', async () => {
      const { principal } = await signedIn();
      let allowed = false;
      const limiter = fakeLimiter(() =>
        allowed ? { allowed: true } : { allowed: false, retryAfterSeconds: 7 },
      );
      const chat = withLimiter(limiter).chat;
      await expect(
        chat.send(principal, 'echo', { text: 'hi' }, undefined, 'key-2'),
      ).rejects.toMatchObject({
        code: 'SWY_ERR_RATE_LIMITED',
        status: 429,
        headers: { 'Retry-After': '7' },
      });
      allowed = true;
      await expect(
        chat.send(principal, 'echo', { text: 'hi' }, undefined, 'key-2'),
      ).resolves.toMatchObject({ reply: { text: 'echo: hi' } });
    });
  });
});
