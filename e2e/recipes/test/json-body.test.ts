// docs/recipes/bodies.md#json-body: `express.json()` and Fastify's own JSON parser with the same
// limit, and where the two still answer differently. The defaults (100 kB against 1 MiB, 415,
// an empty body) are in defaults.test.ts.
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { JSON_LIMIT_BYTES, jsonRecipe } from '../src/bodies/json.js';

const served = await servePair(jsonRecipe);
afterAll(() => served.close());

/** A JSON object of exactly `bytes` bytes: `{"a":"xx…"}` has 8 bytes around the string. */
const jsonOf = (bytes: number) => JSON.stringify({ a: 'x'.repeat(bytes - 8) });

describe.each(served.sides)('a JSON body on $name', ({ url }) => {
  it('parses an object, with or without a charset parameter', async () => {
    for (const type of ['application/json', 'application/json; charset=utf-8']) {
      const res = await request(url).post('/items').set('content-type', type).send('{"n":1}');
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ received: { n: 1 } });
    }
  });

  it('takes a body of exactly the limit and answers 413 one byte past it', async () => {
    const at = jsonOf(JSON_LIMIT_BYTES);
    expect(Buffer.byteLength(at)).toBe(JSON_LIMIT_BYTES);
    await request(url).post('/items').set('content-type', 'application/json').send(at).expect(201);
    const over = jsonOf(JSON_LIMIT_BYTES + 1);
    const res = await request(url)
      .post('/items')
      .set('content-type', 'application/json')
      .send(over);
    expect(res.status).toBe(413);
  });

  it('answers 400 to malformed JSON', async () => {
    const res = await request(url)
      .post('/items')
      .set('content-type', 'application/json')
      .send('{"a":');
    expect(res.status).toBe(400);
  });
});

describe('where the two JSON parsers differ', () => {
  it('the error answer: Express an HTML page, Fastify JSON with a code', async () => {
    const send = (url: string) =>
      request(url).post('/items').set('content-type', 'application/json').send('{"a":');
    const fromExpress = await send(served.express.url);
    expect(fromExpress.headers['content-type']).toMatch(/^text\/html/);
    expect(fromExpress.text).toContain('SyntaxError');
    const fromFastify = await send(served.fastify.url);
    expect(fromFastify.body).toMatchObject({
      statusCode: 400,
      code: 'FST_ERR_CTP_INVALID_JSON_BODY',
    });
    const tooLarge = await request(served.fastify.url)
      .post('/items')
      .set('content-type', 'application/json')
      .send(jsonOf(JSON_LIMIT_BYTES + 1));
    expect(tooLarge.body).toMatchObject({ statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
  });

  it('a top-level string: Express (strict) answers 400, Fastify parses it', async () => {
    const send = (url: string) =>
      request(url).post('/items').set('content-type', 'application/json').send('"a"');
    expect((await send(served.express.url)).status).toBe(400);
    const fromFastify = await send(served.fastify.url);
    expect(fromFastify.status).toBe(201);
    expect(fromFastify.body).toEqual({ received: 'a' });
  });

  it('application/vnd.api+json: Express leaves it unread, Fastify answers 415', async () => {
    const send = (url: string) =>
      request(url).post('/items').set('content-type', 'application/vnd.api+json').send('{"n":1}');
    const fromExpress = await send(served.express.url);
    expect(fromExpress.status).toBe(201);
    expect(fromExpress.body).toEqual({});
    const fromFastify = await send(served.fastify.url);
    expect(fromFastify.status).toBe(415);
    expect(fromFastify.body).toMatchObject({ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' });
  });
});
