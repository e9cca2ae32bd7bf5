// docs/recipes/routing.md#query-parser: Express 4's qs query parser and Fastify with qs as its
// querystringParser give the same nested objects; Express 5 and bare Fastify do not.
import Fastify from 'fastify';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { buildExpress5Extended, buildExpress5Query, queryRecipe } from '../src/routing/query.js';

const served = await servePair(queryRecipe);
const express5 = await servePair({ express: buildExpress5Query, fastify: () => Fastify() });
const express5Extended = await servePair({
  express: buildExpress5Extended,
  fastify: () => Fastify(),
});
afterAll(async () => {
  await served.close();
  await express5.close();
  await express5Extended.close();
});

const NESTED = '/search?filter[status]=open&filter[tags][]=a&filter[tags][]=b&page=2';

describe.each(served.sides)('qs on $name', ({ url }) => {
  it('turns bracketed keys into nested objects and arrays', async () => {
    await request(url)
      .get(NESTED)
      .expect(200, { filter: { status: 'open', tags: ['a', 'b'] }, page: '2' });
  });
});

describe('without qs', () => {
  it('Express 5 and a bare Fastify keep the brackets in the keys', async () => {
    const flat = { 'filter[status]': 'open', 'filter[tags][]': ['a', 'b'], page: '2' };
    await request(express5.express.url).get(NESTED).expect(200, flat);
    const bare = Fastify();
    bare.get('/search', async (req) => req.query);
    const res = await bare.inject(NESTED);
    expect(res.json()).toEqual(flat);
    await bare.close();
  });

  it('Express 5 with the query parser set to "extended" nests as Express 4 does', async () => {
    await request(express5Extended.express.url)
      .get(NESTED)
      .expect(200, { filter: { status: 'open', tags: ['a', 'b'] }, page: '2' });
  });
});
