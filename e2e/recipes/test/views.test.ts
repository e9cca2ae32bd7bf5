// docs/recipes/bodies.md#views: the same ejs templates rendered by Express's `res.render` and by
// `@fastify/view`'s `reply.view`, locals for every template, and a missing view.
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { viewsRecipe } from '../src/bodies/views.js';

const served = await servePair(viewsRecipe);
afterAll(() => served.close());

const expected = [
  '<!doctype html>',
  '<title>Items · Switchyard</title>',
  '<ul>',
  '  <li>Bolt</li>',
  '  <li>&lt;script&gt;alert(1)&lt;/script&gt;</li>',
  '</ul>',
  '',
  '',
].join('\n');

describe.each(served.sides)('views on $name', ({ url }) => {
  it('renders the template with its include, the shared local and the escaped data', async () => {
    const res = await request(url).get('/items').expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toBe(expected);
  });

  it('answers 500 for a view that does not exist', async () => {
    expect((await request(url).get('/missing')).status).toBe(500);
  });
});

describe('where res.render and reply.view differ', () => {
  it('a missing view: Express an HTML page, Fastify JSON whose message names the file', async () => {
    const fromExpress = await request(served.express.url).get('/missing');
    expect(fromExpress.headers['content-type']).toMatch(/^text\/html/);
    expect(fromExpress.text).toContain('Failed to lookup view');
    const fromFastify = await request(served.fastify.url).get('/missing');
    expect(fromFastify.body).toMatchObject({ statusCode: 500, code: 'ENOENT' });
    expect(fromFastify.body.message).toContain('no-such-view.ejs');
  });

  it('the rendered page: Express adds a weak ETag, Fastify none', async () => {
    const fromExpress = await request(served.express.url).get('/items');
    expect(fromExpress.headers['etag']).toMatch(/^W\//);
    const fromFastify = await request(served.fastify.url).get('/items');
    expect(fromFastify.headers['etag']).toBeUndefined();
  });
});
