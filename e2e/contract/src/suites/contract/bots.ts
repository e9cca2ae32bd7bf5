import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorBody, expectError, type UsedEnvironment, type Account } from '../../support.js';
import { expectDocumented } from '../openapi-check.js';
import { UUID } from './uuid.js';

/** The bot registry and POST /v1/bots/:botId/messages for each bot. */
export function botCases(ctx: UsedEnvironment): void {
  const { api } = ctx;
  describe('bots', () => {
    let account: Account;
    beforeAll(async () => {
      account = await ctx.signUp();
    });

    it('GET /v1/bots lists the registry', async () => {
      const res = await api().get('/v1/bots').set(account.auth);
      expect(res.status).toBe(200);
      expect(res.body.bots.map((b: { id: string }) => b.id)).toEqual(['echo', 'model', 'ensemble']);
      expectDocumented('listBots', res);
    });

    it('GET /v1/bots without a token is 401', async () => {
      const res = await api().get('/v1/bots');
      expectError('listBots', res, 401, 'SWY_ERR_AUTH_REQUIRED');
    });

    it('the echo bot answers 201 and the conversation continues with the next seq', async () => {
      const first = await api()
        .post('/v1/bots/echo/messages')
        .set(account.auth)
        .send({ text: 'hello' });
      expect(first.status).toBe(201);
      expectDocumented('postMessage', first);
      expect(first.body).toMatchObject({
        conversationId: expect.stringMatching(UUID),
        botId: 'echo',
        message: { seq: 1, role: 'user', text: 'hello' },
        reply: { seq: 2, role: 'bot', text: 'echo: hello' },
      });
      const next = await api()
        .post('/v1/bots/echo/messages')
        .set(account.auth)
        .send({ text: 'again', conversationId: first.body.conversationId });
      expect(next.status).toBe(201);
      expect(next.body.conversationId).toBe(first.body.conversationId);
      expect([next.body.message.seq, next.body.reply.seq]).toEqual([3, 4]);
    });

    it("the model bot answers with the upstream model's completion", async () => {
      const expected = await request(ctx.env.upstream.url)
        .post('/model/complete')
        .send({ prompt: 'tell me' })
        .expect(200);
      const res = await api()
        .post('/v1/bots/model/messages')
        .set(account.auth)
        .send({ text: 'tell me' });
      expect(res.status).toBe(201);
      expect(res.body.reply.text).toBe(expected.body.completion);
      expectDocumented('postMessage', res);
    });

    it('the ensemble bot asks every source and answers with the most confident', async () => {
      ctx.env.upstream.requests.clear();
      const res = await api()
        .post('/v1/bots/ensemble/messages')
        .set(account.auth)
        .send({ text: 'why?' });
      expect(res.status).toBe(201);
      expect(res.body.reply.text).toMatch(
        /^5 of 5 sources answered\. source-\d+ \(confidence \d\.\d\d\): /,
      );
      const asked = ctx.env.upstream.requests.all().filter((r) => r.url.startsWith('/sources/'));
      expect(asked.map((r) => r.url).sort()).toEqual(
        [0, 1, 2, 3, 4].map((i) => `/sources/${i}/answer?q=why%3F`),
      );
      expectDocumented('postMessage', res);
    });

    it('returns 404 SWY_ERR_BOT_NOT_FOUND for an unknown bot', async () => {
      const res = await api()
        .post('/v1/bots/nobody/messages')
        .set(account.auth)
        .send({ text: 'hi' });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        error: { code: 'SWY_ERR_BOT_NOT_FOUND', message: 'No bot with id "nobody"' },
      });
      expectDocumented('postMessage', res);
    });

    it("returns 404 for another account's conversation and 409 for another bot's", async () => {
      const other = await ctx.signUp();
      const mine = await api()
        .post('/v1/bots/echo/messages')
        .set(account.auth)
        .send({ text: 'mine' })
        .expect(201);
      const foreign = await api()
        .post('/v1/bots/echo/messages')
        .set(other.auth)
        .send({ text: 'x', conversationId: mine.body.conversationId });
      expectError('postMessage', foreign, 404, 'SWY_ERR_CONVERSATION_NOT_FOUND');
      const otherBot = await api()
        .post('/v1/bots/model/messages')
        .set(account.auth)
        .send({ text: 'x', conversationId: mine.body.conversationId });
      expect(otherBot.status).toBe(409);
      expect(otherBot.body).toEqual({
        error: {
          code: 'SWY_ERR_CONVERSATION_BOT_MISMATCH',
          message: 'The conversation belongs to bot "echo"',
        },
      });
      expectDocumented('postMessage', otherBot);
    });

    it.each([
      [
        'an empty text',
        { text: '' },
        [{ path: '/body/text', message: 'must NOT have fewer than 1 characters' }],
      ],
      [
        'a text over 4000 characters',
        { text: 'x'.repeat(4001) },
        [{ path: '/body/text', message: 'must NOT have more than 4000 characters' }],
      ],
      [
        'a conversationId that is not a UUID',
        { text: 'x', conversationId: 'abc' },
        [{ path: '/body/conversationId', message: 'must match format "uuid"' }],
      ],
      ['no text', {}, [{ path: '/body/text', message: "must have required property 'text'" }]],
    ])('returns 400 SWY_ERR_VALIDATION for %s', async (_name, body, details) => {
      const res = await api().post('/v1/bots/echo/messages').set(account.auth).send(body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: { code: 'SWY_ERR_VALIDATION', message: 'The request is not valid', details },
      });
      expectDocumented('postMessage', res);
    });

    it('checks the token before the body: no token and a bad body is 401', async () => {
      const res = await api()
        .post('/v1/bots/echo/messages')
        .set('Content-Type', 'application/json')
        .send('{bad');
      expect(res.status).toBe(401);
      expect(res.body).toEqual(errorBody('SWY_ERR_AUTH_REQUIRED'));
    });
  });
}
