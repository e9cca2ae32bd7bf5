// docs/recipes/validation.md#connect-timeout: a handler that never answers gets a 503 from
// connect-timeout and from Fastify's handlerTimeout; connectionTimeout closes the socket.
import Fastify from 'fastify';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { aborted, connectTimeoutRecipe, TIMEOUT_MS } from '../src/validation/connect-timeout.js';

const served = await servePair(connectTimeoutRecipe);
afterAll(() => served.close());

describe.each(served.sides)('a stuck handler on $name', ({ url }) => {
  it('gets a 503 from the error handler when the timeout passes', async () => {
    const res = await request(url).get('/stuck');
    expect(res.status).toBe(503);
    expect(res.body.message).toEqual(expect.any(String));
  });
});

describe('the timeout error', () => {
  it("is ETIMEDOUT 'Response timeout' from connect-timeout and FST_ERR_HANDLER_TIMEOUT from Fastify", async () => {
    const ex = await request(served.express.url).get('/stuck').expect(503);
    expect(ex.body).toEqual({ code: 'ETIMEDOUT', message: 'Response timeout' });
    const fa = await request(served.fastify.url).get('/stuck').expect(503);
    expect(fa.body).toEqual({
      code: 'FST_ERR_HANDLER_TIMEOUT',
      message: `Request timed out after ${TIMEOUT_MS} ms on route '/stuck'`,
    });
  });

  it("aborts Fastify's request.signal, so the handler can stop its work", async () => {
    aborted.length = 0;
    await request(served.fastify.url).get('/stuck?signal=1').expect(503);
    expect(aborted).toEqual(['/stuck?signal=1']);
  });
});

describe('connectionTimeout instead', () => {
  it('closes the socket without an answer: the client sees ECONNRESET, not a status', async () => {
    const app = Fastify({ connectionTimeout: TIMEOUT_MS });
    app.get('/stuck', () => new Promise(() => {}));
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const outcome = await request(url)
      .get('/stuck')
      .then(
        (res) => ({ status: res.status }),
        (error: NodeJS.ErrnoException) => ({ code: error.code, message: error.message }),
      );
    await app.close();
    expect(outcome).toEqual({ code: 'ECONNRESET', message: 'socket hang up' });
  });
});
