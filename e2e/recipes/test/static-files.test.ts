// docs/recipes/bodies.md#static, docs/recipes/bodies.md#send-file and
// docs/recipes/bodies.md#download: one folder served by `express.static` and by
// `@fastify/static`, one file sent and downloaded by each, and where their answers differ.
import Fastify from 'fastify';
import fastifyStatic from '@fastify/static';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { PUBLIC_DIR, staticRecipe } from '../src/bodies/static.js';

const served = await servePair(staticRecipe);
afterAll(() => served.close());

describe.each(served.sides)('static files on $name', ({ url }) => {
  it('serves index.html for the folder and a file with its type', async () => {
    const index = await request(url).get('/assets/').expect(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.text).toContain('<p>Home</p>');
    const css = await request(url).get('/assets/style.css').expect(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('sends the same caching headers and answers a revalidation with 304', async () => {
    const res = await request(url).get('/assets/style.css');
    expect(res.headers['cache-control']).toBe('public, max-age=0');
    // Both build it from the file's size and modification time, in hex.
    expect(res.headers['etag']).toMatch(/^W\/"[0-9a-f]+-[0-9a-f]+"$/);
    expect(res.headers['last-modified']).toBeTruthy();
    await request(url)
      .get('/assets/style.css')
      .set('if-none-match', String(res.headers['etag']))
      .expect(304);
    await request(url)
      .get('/assets/style.css')
      .set('if-modified-since', String(res.headers['last-modified']))
      .expect(304);
  });

  it('redirects a folder, and the prefix itself, without its trailing slash', async () => {
    for (const path of ['/assets', '/assets/docs']) {
      const res = await request(url).get(path).redirects(0);
      expect(res.status, path).toBe(301);
      expect(res.headers['location'], path).toBe(`${path}/`);
    }
  });

  it('answers 404 for a missing file and for a dotfile', async () => {
    await request(url).get('/assets/missing.css').expect(404);
    await request(url).get('/assets/.secret').expect(404);
  });

  it('refuses a path that climbs out of the folder', async () => {
    for (const path of [
      '/assets/../static.ts',
      '/assets/%2e%2e/static.ts',
      '/assets/..%2fstatic.ts',
    ]) {
      const res = await request(url).get(path);
      expect([403, 404], path).toContain(res.status);
      expect(res.text, path).not.toContain('fastifyStatic');
    }
  });

  it('sends one file by name with the same headers as the folder route', async () => {
    const res = await request(url).get('/reports/latest').expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBeUndefined();
    expect(res.headers['etag']).toMatch(/^W\//);
    expect(res.text).toBe('id,name\n1,ann\n');
  });

  it('downloads the file under another name, and a built body as an attachment', async () => {
    const file = await request(url).get('/reports/latest/download').expect(200);
    expect(file.headers['content-disposition']).toMatch(
      /^attachment; filename="?report-2026\.csv"?$/,
    );
    expect(file.text).toBe('id,name\n1,ann\n');
    const built = await request(url).get('/exports/items').expect(200);
    expect(built.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(built.headers['content-disposition']).toMatch(/^attachment; filename="?items\.csv"?$/);
  });
});

describe('where express.static and @fastify/static differ', () => {
  it('a path that climbs out: Express answers 404, the plugin 403', async () => {
    expect((await request(served.express.url).get('/assets/../static.ts')).status).toBe(404);
    const fromFastify = await request(served.fastify.url).get('/assets/../static.ts');
    expect(fromFastify.status).toBe(403);
  });

  it('a missing file: Express an HTML page, Fastify its JSON 404', async () => {
    const fromExpress = await request(served.express.url).get('/assets/missing.css');
    expect(fromExpress.headers['content-type']).toMatch(/^text\/html/);
    const fromFastify = await request(served.fastify.url).get('/assets/missing.css');
    expect(fromFastify.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it('Content-Disposition: both leave a plain name unquoted (@fastify/static 10)', async () => {
    const fromExpress = await request(served.express.url).get('/reports/latest/download');
    expect(fromExpress.headers['content-disposition']).toBe('attachment; filename=report-2026.csv');
    const fromFastify = await request(served.fastify.url).get('/reports/latest/download');
    expect(fromFastify.headers['content-disposition']).toBe('attachment; filename=report-2026.csv');
  });

  it("the plugin's defaults: it serves dotfiles, answers a folder without a redirect, and download() uses its root", async () => {
    const app = Fastify();
    await app.register(fastifyStatic, { root: PUBLIC_DIR, prefix: '/assets' });
    app.get('/download', async (_request, reply) => reply.download('report.csv'));
    const dotfile = await app.inject('/assets/.secret');
    expect(dotfile.statusCode).toBe(200);
    expect(dotfile.body).toBe('SECRET=1\n');
    const folder = await app.inject('/assets/docs');
    expect(folder.statusCode).toBe(200);
    expect(folder.body).toContain('<p>Docs</p>');
    // @fastify/static 9 answered 404 here: its download() ignored the plugin's root.
    expect((await app.inject('/download')).statusCode).toBe(200);
    await app.close();
  });

  it('reply.sendFile exists only with the plugin registered and decorateReply left on', async () => {
    const bare = Fastify();
    bare.get('/', async (_request, reply) => ({ sendFile: typeof reply.sendFile }));
    expect((await bare.inject('/')).json()).toEqual({ sendFile: 'undefined' });
    const undecorated = Fastify();
    await undecorated.register(fastifyStatic, { root: PUBLIC_DIR, decorateReply: false });
    undecorated.get('/check', async (_request, reply) => ({ sendFile: typeof reply.sendFile }));
    expect((await undecorated.inject('/check')).json()).toEqual({ sendFile: 'undefined' });
    await Promise.all([bare.close(), undecorated.close()]);
  });
});
