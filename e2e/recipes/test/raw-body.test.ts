// docs/recipes/bodies.md#raw-body: a webhook that checks a signature over the raw bytes, and a
// CSV import read as text: `express.raw()` / `express.text()` against `addContentTypeParser`
// with `parseAs: 'buffer'` / `'string'`.
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { rawRecipe, sign } from '../src/bodies/raw.js';

const served = await servePair(rawRecipe);
afterAll(() => served.close());

// Spacing that JSON.stringify would not reproduce: the signature holds only over these bytes.
const event = '{ "type": "paid",  "id": 1 }';

describe.each(served.sides)('raw and text bodies on $name', ({ url }) => {
  const webhook = (type: string, signature: string) =>
    request(url)
      .post('/webhook')
      .set('content-type', type)
      .set('x-signature', signature)
      .send(event);

  it('accepts a webhook whose signature matches the bytes as sent', async () => {
    const res = await webhook('application/json', sign(event));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ event: { type: 'paid', id: 1 } });
  });

  it('answers 401 to a signature over other bytes', async () => {
    const res = await webhook('application/json', sign(JSON.stringify(JSON.parse(event))));
    expect(res.status).toBe(401);
  });

  it('answers 401 to a webhook sent as text/plain: no raw bytes reach the check', async () => {
    const res = await webhook('text/plain', sign(event));
    expect(res.status).toBe(401);
  });

  it('still parses JSON on the other routes', async () => {
    const res = await request(url)
      .post('/items')
      .set('content-type', 'application/json')
      .send(event);
    expect(res.body).toEqual({ received: { type: 'paid', id: 1 } });
  });

  it('reads text/csv as a string', async () => {
    const res = await request(url)
      .post('/import')
      .set('content-type', 'text/csv')
      .send('a,b\n1,2\n3,4\n');
    expect(res.body).toEqual({ rows: 3 });
  });
});

describe('where express.text() and parseAs differ', () => {
  it('a 120 kB CSV: Express answers 413 (100 kB per parser), Fastify takes it (bodyLimit, 1 MiB)', async () => {
    const csv = 'a,b\n'.repeat(30_000);
    const send = (url: string) =>
      request(url).post('/import').set('content-type', 'text/csv').send(csv);
    expect((await send(served.express.url)).status).toBe(413);
    const fromFastify = await send(served.fastify.url);
    expect(fromFastify.status).toBe(200);
    expect(fromFastify.body).toEqual({ rows: 30_000 });
  });
});
