import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets, buildAccount } from '@switchyard/persistence/testing';
import { hashPassword, verifyPassword } from '../src/lib/auth/index.js';
import type { Database } from '@switchyard/persistence';
import type { UpstreamClient } from '../src/lib/upstream/index.js';
import {
  createServices,
  type Limiter,
  type LimitDecision,
  type Principal,
  type Services,
} from '../src/lib/use-cases/index.js';

const noUpstream: UpstreamClient = {
  json: () => Promise.reject(new Error('echo needs no upstream')),
  lines: () => {
    throw new Error('echo needs no upstream');
  },
  fanOut: () => Promise.reject(new Error('echo needs no upstream')),
};

/** No lock-out here: the e2e login-hardening suite tests the real limiter. */
const unlimited: Limiter = {
  consume: () => Promise.resolve({ allowed: true }),
  reset: () => Promise.resolve(),
};

const targets = await databaseTargets();

describe.each(targets)('use cases on $kind', (target) => {
  let db: Database;
  let services: Services;
  const it_ = target.skipReason ? it.skip : it;
  if (target.skipReason) it.skip(`(skipped: ${target.skipReason})`, () => {});

  beforeAll(async () => {
    if (target.skipReason) return;
    db = await target.open();
    services = createServices({
      db,
      passwords: { hash: hashPassword, verify: verifyPassword },
      upstream: noUpstream,
      ensembleSources: 1,
      sessionTtlSeconds: 600,
      idempotencyTtlSeconds: 86_400,
      maxReplyChars: 100_000,
      streamReplyTimeoutMs: 60_000,
      loginLimiter: unlimited,
      maxSessionsPerAccount: 10,
      sessionPurgeBatch: 100,
    });
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
      createServices({
        db,
        passwords: { hash: hashPassword, verify: verifyPassword },
        upstream: noUpstream,
        ensembleSources: 1,
        sessionTtlSeconds: 600,
        idempotencyTtlSeconds: 86_400,
        maxReplyChars: 100_000,
        streamReplyTimeoutMs: 60_000,
        loginLimiter: unlimited,
        maxSessionsPerAccount: 10,
        sessionPurgeBatch: 100,
        limiters: { messages },
      });

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
