import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectError, type UsedEnvironment, type Account } from '../../support.js';
import { expectDocumented } from '../openapi-check.js';

/** Paging conversations and their messages, and the ids and cursors they refuse. */
export function conversationCases(ctx: UsedEnvironment): void {
  const { api } = ctx;
  describe('conversations', () => {
    let account: Account;
    const conversationIds: string[] = [];
    beforeAll(async () => {
      account = await ctx.signUp();
      for (const text of ['one', 'two', 'three']) {
        const res = await api()
          .post('/v1/bots/echo/messages')
          .set(account.auth)
          .send({ text })
          .expect(201);
        conversationIds.push(res.body.conversationId);
      }
      for (const text of ['four', 'five']) {
        await api()
          .post('/v1/bots/echo/messages')
          .set(account.auth)
          .send({ text, conversationId: conversationIds[0] })
          .expect(201);
      }
    });

    it('GET /v1/conversations pages newest first and ends with a null cursor', async () => {
      const first = await api().get('/v1/conversations?limit=2').set(account.auth);
      expect(first.status).toBe(200);
      expectDocumented('listConversations', first);
      expect(first.body.conversations.map((c: { id: string }) => c.id)).toEqual([
        conversationIds[2],
        conversationIds[1],
      ]);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await api()
        .get('/v1/conversations')
        .query({ limit: 2, cursor: first.body.nextCursor })
        .set(account.auth);
      expect(second.status).toBe(200);
      expect(second.body.conversations).toEqual([
        expect.objectContaining({ id: conversationIds[0], botId: 'echo', messageCount: 6 }),
      ]);
      expect(second.body.nextCursor).toBeNull();
    });

    it('GET /v1/conversations/:id/messages pages oldest first', async () => {
      const texts: string[] = [];
      let cursor: string | null | undefined;
      let pages = 0;
      do {
        const res = await api()
          .get(`/v1/conversations/${conversationIds[0]}/messages`)
          .query(cursor ? { limit: 4, cursor } : { limit: 4 })
          .set(account.auth);
        expect(res.status).toBe(200);
        expectDocumented('listMessages', res);
        texts.push(...res.body.messages.map((m: { text: string }) => m.text));
        cursor = res.body.nextCursor;
        pages += 1;
      } while (cursor && pages < 10);
      expect(pages).toBe(2);
      expect(texts).toEqual(['one', 'echo: one', 'four', 'echo: four', 'five', 'echo: five']);
    });

    it('uses 20 as the default page size', async () => {
      const res = await api()
        .get(`/v1/conversations/${conversationIds[0]}/messages`)
        .set(account.auth);
      expect(res.status).toBe(200);
      expect(res.body.messages).toHaveLength(6);
      expect(res.body.nextCursor).toBeNull();
    });

    it("returns 404 for another account's conversation and for an unknown id", async () => {
      const other = await ctx.signUp();
      for (const [auth, id] of [
        [other.auth, conversationIds[0]],
        [account.auth, randomUUID()],
      ] as const) {
        const res = await api().get(`/v1/conversations/${id}/messages`).set(auth);
        expectError('listMessages', res, 404, 'SWY_ERR_CONVERSATION_NOT_FOUND');
      }
    });

    it.each([
      ['limit=0', { limit: '0' }, [{ path: '/query/limit', message: 'must be >= 1' }]],
      ['limit=101', { limit: '101' }, [{ path: '/query/limit', message: 'must be <= 100' }]],
      ['limit=abc', { limit: 'abc' }, [{ path: '/query/limit', message: 'must be integer' }]],
      [
        'an unknown parameter',
        { sort: 'asc' },
        [{ path: '/query/sort', message: 'is not allowed' }],
      ],
    ])('returns 400 SWY_ERR_VALIDATION for %s', async (_name, query, details) => {
      const res = await api().get('/v1/conversations').query(query).set(account.auth);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: { code: 'SWY_ERR_VALIDATION', message: 'The request is not valid', details },
      });
      expectDocumented('listConversations', res);
    });

    it('returns 400 SWY_ERR_INVALID_CURSOR for a cursor it did not hand out', async () => {
      for (const cursor of [
        'garbage!',
        'eyJ4IjoxfQ',
        Buffer.from('{"position":"-5"}').toString('base64url'),
      ]) {
        const res = await api().get('/v1/conversations').query({ cursor }).set(account.auth);
        expectError('listConversations', res, 400, 'SWY_ERR_INVALID_CURSOR');
      }
    });

    it('returns 400 SWY_ERR_VALIDATION for a conversation id that is not a UUID', async () => {
      const res = await api().get('/v1/conversations/not-a-uuid/messages').set(account.auth);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: {
          code: 'SWY_ERR_VALIDATION',
          message: 'The request is not valid',
          details: [{ path: '/params/id', message: 'must match format "uuid"' }],
        },
      });
      expectDocumented('listMessages', res);
    });
  });
}
