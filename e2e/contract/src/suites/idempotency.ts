import { randomUUID } from 'node:crypto';
import type { DatabaseTarget } from '@switchyard/persistence/testing';
import { openSocket, type AppUnderTest, type OpenSocket } from '@switchyard/testing';
import { afterAll, expect, it } from 'vitest';
import { describeEachTarget, errorBody, expectError, useEnvironment } from '../support.js';
import { reportCases } from './report.js';

const CASES = 8;

/**
 * Idempotency-Key on POST /v1/bots/:botId/messages and on WebSocket message frames
 * (draft-ietf-httpapi-idempotency-key-header): a retry gets the first answer and stores nothing,
 * the key on another request is 422, concurrent duplicates are settled by the database's unique
 * key (one stored pair, every other answer equal or 409), bad keys are 400. On every database
 * kind: the unique constraint is what decides.
 */
export async function runIdempotencySuite(subject: AppUnderTest): Promise<void> {
  await describeEachTarget(
    (target) => `${subject.name}: Idempotency-Key (${target.kind})`,
    (target: DatabaseTarget) => {
      reportCases('idempotency', subject.name, CASES);
      const used = useEnvironment(subject, target);
      const { api } = used;
      const sockets: OpenSocket[] = [];
      afterAll(() => {
        for (const s of sockets) s.socket.terminate();
      });

      /** Messages and conversations the account has in the database. */
      async function stored(
        accountId: string,
      ): Promise<{ messages: number; conversations: number }> {
        const { rows } = await used.env.db.query<{ messages: string; conversations: string }>(
          `SELECT (SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id
                    WHERE c.account_id = $1) AS messages,
                  (SELECT count(*) FROM conversations WHERE account_id = $1) AS conversations`,
          [accountId],
        );
        return {
          messages: Number(rows[0]!.messages),
          conversations: Number(rows[0]!.conversations),
        };
      }

      /** A post to the echo bot under `key`. */
      const keyedPost = (account: { auth: Record<string, string> }, key: string, body: object) =>
        api()
          .post('/v1/bots/echo/messages')
          .set(account.auth)
          .set('idempotency-key', key)
          .send(body);

      it('replays the first answer to a retry with the same key and stores nothing new', async () => {
        const account = await used.signUp();
        const key = randomUUID();
        const first = await api()
          .post('/v1/bots/echo/messages')
          .set(account.auth)
          .set('idempotency-key', key)
          .send({ text: 'once only' })
          .expect(201);
        expect(await stored(account.id)).toEqual({ messages: 2, conversations: 1 });
        // The bare key and the draft's Structured Field string form are the same key.
        for (const header of [key, `"${key}"`]) {
          const retry = await api()
            .post('/v1/bots/echo/messages')
            .set(account.auth)
            .set('idempotency-key', header)
            .send({ text: 'once only' });
          expect(retry.status).toBe(201);
          expect(retry.body).toEqual(first.body);
        }
        expect(await stored(account.id)).toEqual({ messages: 2, conversations: 1 });
        // Without a key, or with another, the same text is a new message.
        await api()
          .post('/v1/bots/echo/messages')
          .set(account.auth)
          .send({ text: 'once only' })
          .expect(201);
        await api()
          .post('/v1/bots/echo/messages')
          .set(account.auth)
          .set('idempotency-key', randomUUID())
          .send({ text: 'once only' })
          .expect(201);
        expect(await stored(account.id)).toEqual({ messages: 6, conversations: 3 });
      });

      it('answers 422 to the same key on another request, and keys are per account', async () => {
        const account = await used.signUp();
        const key = randomUUID();
        const first = await api()
          .post('/v1/bots/echo/messages')
          .set(account.auth)
          .set('idempotency-key', key)
          .send({ text: 'the first body' })
          .expect(201);
        for (const [path, body] of [
          ['/v1/bots/echo/messages', { text: 'another body' }],
          ['/v1/bots/model/messages', { text: 'the first body' }],
          [
            '/v1/bots/echo/messages',
            { text: 'the first body', conversationId: first.body.conversationId },
          ],
        ] as const) {
          const reused = await api()
            .post(path)
            .set(account.auth)
            .set('idempotency-key', key)
            .send(body);
          expectError('postMessage', reused, 422, 'SWY_ERR_IDEMPOTENCY_KEY_REUSED');
        }
        expect(await stored(account.id)).toEqual({ messages: 2, conversations: 1 });
        // Another account's key of the same name is its own.
        const other = await used.signUp();
        const theirs = await api()
          .post('/v1/bots/echo/messages')
          .set(other.auth)
          .set('idempotency-key', key)
          .send({ text: 'the first body' })
          .expect(201);
        expect(theirs.body.conversationId).not.toBe(first.body.conversationId);
      });

      it('settles 20 concurrent posts with one key: one stored pair, every answer equal or 409', async () => {
        const account = await used.signUp();
        const key = randomUUID();
        const post = () => keyedPost(account, key, { text: 'all at once' });
        const answers = await Promise.all(Array.from({ length: 20 }, post));
        const created = answers.filter((r) => r.status === 201);
        expect(created.length).toBeGreaterThanOrEqual(1);
        for (const answer of answers) {
          if (answer.status === 201) expect(answer.body).toEqual(created[0]!.body);
          else expectError('postMessage', answer, 409, 'SWY_ERR_IDEMPOTENCY_KEY_IN_USE');
        }
        expect(await stored(account.id)).toEqual({ messages: 2, conversations: 1 });
        // Once the first has answered, every retry gets its answer.
        const after = await post();
        expect(after.status).toBe(201);
        expect(after.body).toEqual(created[0]!.body);
        expect(await stored(account.id)).toEqual({ messages: 2, conversations: 1 });
      });

      it('answers 400 to a key too long or outside the charset, and takes 128 characters', async () => {
        const account = await used.signUp();
        for (const bad of ['k'.repeat(129), 'has space', 'one,two', '"unclosed', 'é-key', '""']) {
          const refused = await api()
            .post('/v1/bots/echo/messages')
            .set(account.auth)
            .set('idempotency-key', bad)
            .send({ text: 'x' });
          expect(refused.status, bad).toBe(400);
          expect(refused.body.error.code).toBe('SWY_ERR_VALIDATION');
          expect(refused.body.error.details).toEqual([
            { path: '/headers/idempotency-key', message: expect.any(String) },
          ]);
        }
        expect(await stored(account.id)).toEqual({ messages: 0, conversations: 0 });
        await api()
          .post('/v1/bots/echo/messages')
          .set(account.auth)
          .set('idempotency-key', 'k'.repeat(128))
          .send({ text: 'x' })
          .expect(201);
      });

      it('keeps no answer for a request that failed: a retry runs anew', async () => {
        const account = await used.signUp();
        const key = randomUUID();
        const body = { text: 'x', conversationId: randomUUID() };
        for (let i = 0; i < 2; i++) {
          const missing = await api()
            .post('/v1/bots/echo/messages')
            .set(account.auth)
            .set('idempotency-key', key)
            .send(body);
          expectError('postMessage', missing, 404, 'SWY_ERR_CONVERSATION_NOT_FOUND');
        }
        // The failed request freed the key, so it may now name another request, whose answer
        // is the one kept.
        const works = () =>
          api()
            .post('/v1/bots/echo/messages')
            .set(account.auth)
            .set('idempotency-key', key)
            .send({ text: 'now it works' })
            .expect(201);
        const first = await works();
        expect((await works()).body).toEqual(first.body);
        expect(await stored(account.id)).toEqual({ messages: 2, conversations: 1 });
      });

      it('frees a key its holder never answered once IDEMPOTENCY_LEASE_MS has passed, and not before', async () => {
        const account = await used.signUp();
        const key = randomUUID();
        const post = () => keyedPost(account, key, { text: 'claimed, then the process died' });
        const first = await post().expect(201);
        const leaseMs = used.env.config.IDEMPOTENCY_LEASE_MS;
        // As a process killed between its claim and its answer leaves the row: the request's
        // fingerprint, a token of its own, no answer.
        const orphan = (agoMs: number) =>
          used.env.db.query(
            `UPDATE idempotency_keys
                SET response = NULL, claim = gen_random_uuid(),
                    claimed_at = now() - make_interval(secs => $3::double precision / 1000)
              WHERE account_id = $1 AND key = $2`,
            [account.id, key, agoMs],
          );
        await orphan(leaseMs - 5_000);
        expectError('postMessage', await post(), 409, 'SWY_ERR_IDEMPOTENCY_KEY_IN_USE');
        await orphan(leaseMs + 1_000);
        // Another request under the key is still refused; the same one is taken over and runs.
        const other = await keyedPost(account, key, { text: 'something else' });
        expectError('postMessage', other, 422, 'SWY_ERR_IDEMPOTENCY_KEY_REUSED');
        const again = await post().expect(201);
        expect(again.body.message.id).not.toBe(first.body.message.id);
        expect((await post()).body).toEqual(again.body);
        expect(await stored(account.id)).toEqual({ messages: 4, conversations: 2 });
      });

      it('replays a WebSocket frame with the same idempotencyKey, in one key space with HTTP', async () => {
        const account = await used.signUp();
        const s = await openSocket(
          `${used.env.app.url.replace(/^http/, 'ws')}/v1/bots/echo/stream`,
          { headers: account.auth },
        );
        sockets.push(s);
        const key = randomUUID();
        s.send({ type: 'message', text: 'by socket', idempotencyKey: key });
        const first = (await s.untilDone()).at(-1)!;
        expect(first).toMatchObject({ type: 'done', text: 'echo: by socket' });
        // The replay is the done frame alone: the whole text is in it.
        s.send({ type: 'message', text: 'by socket', idempotencyKey: key });
        expect(await s.untilDone()).toEqual([first]);
        expect(await stored(account.id)).toEqual({ messages: 2, conversations: 1 });
        // The same key over HTTP is the same request.
        const http = await api()
          .post('/v1/bots/echo/messages')
          .set(account.auth)
          .set('idempotency-key', key)
          .send({ text: 'by socket' })
          .expect(201);
        expect([http.body.conversationId, http.body.message.id, http.body.reply.id]).toEqual([
          first.conversationId,
          first.messageId,
          first.replyId,
        ]);
        // Another text under the key: 422 in an error frame, and the socket stays open.
        s.send({ type: 'message', text: 'something else', idempotencyKey: key });
        expect(await s.next()).toEqual({
          type: 'error',
          ...errorBody('SWY_ERR_IDEMPOTENCY_KEY_REUSED'),
        });
        s.send({ type: 'message', text: 'x', idempotencyKey: 'no spaces allowed' });
        expect(await s.next()).toMatchObject({
          type: 'error',
          error: { code: 'SWY_ERR_VALIDATION', details: [{ path: '/body/idempotencyKey' }] },
        });
        s.send({ type: 'message', text: 'still open' });
        expect((await s.untilDone()).at(-1)).toMatchObject({
          type: 'done',
          text: 'echo: still open',
        });
        expect(await stored(account.id)).toEqual({ messages: 4, conversations: 2 });
      });

      it('documents the header on postMessage in the OpenAPI document', async () => {
        const doc = await api().get('/docs/json').expect(200);
        const operation = doc.body.paths['/v1/bots/{botId}/messages'].post;
        expect(operation.parameters).toContainEqual(
          expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }),
        );
        expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['409', '422']));
      });
    },
  );
}
