// docs/recipes/express4.md#path-syntax: Express 4's route paths (path-to-regexp 0.1) against
// Express 5 (path-to-regexp 8) and Fastify: what Express 5 throws when such a route is added,
// the rewritten routes answering as Express 4's did, and Express 5's syntax misread by Express 4.
import express from 'express';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import {
  OLD_PATHS,
  buildExpress4Paths,
  buildExpress4WithNewSyntax,
  buildExpress5Paths,
  buildFastifyPaths,
  portablePaths,
} from '../src/express4/path-syntax.js';
import { express4AsExpress, serveSides } from '../src/express4/serve.js';

const served = await serveSides({
  express4: buildExpress4Paths(),
  express5: buildExpress5Paths(),
  fastify: buildFastifyPaths(),
});
const portable = await serveSides({
  express4: portablePaths(express4AsExpress()),
  express5: portablePaths(express()),
});
afterAll(async () => {
  await served.close();
  await portable.close();
});

describe('Express 5 at start-up', () => {
  it.each([
    ['/files/*', 'Missing parameter name at index 8: /files/*'],
    ['/items/:id?', 'Unexpected ? at index 10: /items/:id?'],
    ['/orders/:id(\\d+)', 'Unexpected ( at index 11: /orders/:id(\\d+)'],
    ['/colou?r', 'Unexpected ? at index 6: /colou?r'],
    ['/a+b', 'Unexpected + at index 2: /a+b'],
    ['/(legacy)/status', 'Unexpected ( at index 1: /(legacy)/status'],
  ])('throws a TypeError for %s when the route is added', (path, message) => {
    expect(OLD_PATHS.map((p) => p.old)).toContain(path);
    const app = express();
    const add = () => app.get(path, (_req, res) => res.end());
    // path-to-regexp's PathError, a TypeError; the link explains the new syntax.
    expect(add).toThrow(TypeError);
    expect(add).toThrow(`${message}; visit https://git.new/pathToRegexpError for info`);
  });

  it('takes the same paths in Express 4', () => {
    expect(() => buildExpress4Paths()).not.toThrow();
  });
});

describe.each(OLD_PATHS)(
  '$old in Express 4 and $next in Express 5',
  ({ old, next, matches, refuses }) => {
    const four = express4AsExpress();
    four.get(old, (_req, res) => res.json({ matched: true }));
    const five = express();
    five.get(next, (_req, res) => res.json({ matched: true }));

    it.each([...matches])('both match %s', async (path) => {
      await request(four).get(path).expect(200, { matched: true });
      await request(five).get(path).expect(200, { matched: true });
    });

    it.each([...refuses, '/elsewhere'])('both refuse %s', async (path) => {
      await request(four).get(path).expect(404);
      await request(five).get(path).expect(404);
    });
  },
);

const sides = [
  ['Express 4', () => served.express4],
  ['Express 5', () => served.express5],
  ['Fastify', () => served.fastify],
] as const;

describe.each(sides)('%s, rewritten paths', (_name, url) => {
  it('answers a wildcard with the rest of the path', async () => {
    await request(url()).get('/files/reports/2026/q4.csv').expect(200, {
      path: 'reports/2026/q4.csv',
    });
  });

  it('answers an optional parameter with and without it', async () => {
    const withId = await request(url()).get('/items/7').expect(200);
    expect(withId.body).toEqual({ id: '7', keys: ['id'] });
    const without = await request(url()).get('/items').expect(200);
    expect(without.body.id).toBeNull();
  });

  it('answers digits and refuses the rest with 404', async () => {
    await request(url()).get('/orders/42').expect(200, { order: 42 });
    await request(url()).get('/orders/abc').expect(404);
  });
});

describe('where the sides differ', () => {
  it('an absent optional parameter: Express 4 keeps the key, Express 5 and Fastify do not', async () => {
    expect((await request(served.express4).get('/items')).body.keys).toEqual(['id']);
    expect((await request(served.express5).get('/items')).body.keys).toEqual([]);
    expect((await request(served.fastify).get('/items')).body.keys).toEqual([]);
  });

  it('an empty wildcard: Express 4 and Fastify match /files/, Express 5 needs a segment', async () => {
    await request(served.express4).get('/files/').expect(200, { path: '' });
    await request(served.fastify).get('/files/').expect(200, { path: '' });
    await request(served.express5).get('/files/').expect(404);
  });
});

describe("Express 5's syntax on Express 4", () => {
  const legacy = buildExpress4WithNewSyntax();

  it('starts, and reads `*path` as a wildcard followed by the letters "path"', async () => {
    await request(legacy).get('/files/a/b').expect(404);
    const res = await request(legacy).get('/files/a/bpath').expect(200);
    expect(res.body).toEqual({ params: { 0: 'a/b' } });
  });

  it('reads braces as literal characters', async () => {
    await request(legacy).get('/items/7').expect(404);
    await request(legacy).get('/items').expect(404);
  });
});

describe.each([
  ['Express 4', () => portable.express4],
  ['Express 5', () => portable.express5],
])('%s, paths both versions read alike', (_name, url) => {
  it('answers the wildcard, the optional id and the digits as the Express 4 routes did', async () => {
    await request(url()).get('/files/reports/q4.csv').expect(200, { path: 'reports/q4.csv' });
    await request(url()).get('/items/7').expect(200, { id: '7' });
    await request(url()).get('/items').expect(200, { id: null });
    await request(url()).get('/orders/42').expect(200, { order: 42 });
    await request(url()).get('/orders/abc').expect(404);
  });
});
