// docs/recipes/routing.md#return-or-send: an async handler answers with what it returns; one
// that answers from a callback returns the reply; one that does neither answers empty.
import { Writable } from 'node:stream';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { answersRecipe, buildAnswersFastify } from '../src/routing/answers.js';

const served = await servePair(answersRecipe);
afterAll(() => served.close());

describe.each(served.sides)('answers on $name', ({ url }) => {
  it('answers with the JSON the handler gave', async () => {
    await request(url).get('/items/1').expect(200, { id: '1' });
  });

  it('answers from a callback once it has the result', async () => {
    await request(url).get('/legacy/2').expect(200, { id: '2' });
  });
});

describe('a Fastify async handler that resolves before its callback sends', () => {
  it('answers 200 with an empty body, and logs FST_ERR_REP_ALREADY_SENT when the callback sends', async () => {
    const logs: { level: number; err?: { code?: string }; msg: string }[] = [];
    let logged: () => void;
    const sentTwice = new Promise<void>((resolve) => (logged = resolve));
    const stream = new Writable({
      write(chunk, _encoding, done) {
        const line = JSON.parse(String(chunk));
        logs.push(line);
        if (line.err?.code === 'FST_ERR_REP_ALREADY_SENT') logged();
        done();
      },
    });
    const app = buildAnswersFastify({ logger: { level: 'warn', stream } });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const res = await request(url).get('/forgotten/3');
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe('0');
    expect(res.text).toBe('');
    await sentTwice;
    expect(logs).toEqual([
      expect.objectContaining({
        level: 40,
        err: expect.objectContaining({ code: 'FST_ERR_REP_ALREADY_SENT' }),
        msg: 'Reply was already sent, did you forget to "return reply" in "/forgotten/3" (GET)?',
      }),
    ]);
    await app.close();
  });
});
