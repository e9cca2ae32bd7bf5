// docs/recipes/validation.md#http-proxy: http-proxy-middleware and @fastify/http-proxy in
// front of one tiny upstream started here, which answers with what it received.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { httpProxyRecipe } from '../src/validation/http-proxy.js';

const upstream: Server = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (body += chunk));
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
  });
});
await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
const served = await servePair(httpProxyRecipe(upstreamUrl));
afterAll(async () => {
  await served.close();
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});

describe.each(served.sides)('the proxy on $name', ({ url }) => {
  it('forwards /api/items?x=1 to the upstream as /v1/items?x=1 and relays its answer', async () => {
    const res = await request(url).get('/api/items?x=1').expect(200);
    expect(res.body).toMatchObject({ method: 'GET', url: '/v1/items?x=1', body: '' });
  });

  it('adds the header and sends the upstream its own host', async () => {
    const res = await request(url).get('/api/items').expect(200);
    expect(res.body.headers['x-proxied-by']).toBe('switchyard');
    expect(res.body.headers['host']).toBe(new URL(upstreamUrl).host);
    expect(res.body.headers['x-forwarded-for']).toBeUndefined();
  });

  it('streams a POST body through as it came, unparsed', async () => {
    const res = await request(url)
      .post('/api/items')
      .set('content-type', 'application/json')
      .send('{"name":"pen"}')
      .expect(200);
    expect(res.body).toMatchObject({ method: 'POST', url: '/v1/items', body: '{"name":"pen"}' });
    expect(res.body.headers['content-type']).toBe('application/json');
  });

  it('answers a path outside the prefix itself, with 404', async () => {
    await request(url).get('/items').expect(404);
  });
});

describe('the connection to the upstream', () => {
  it("passes the client's Connection header from Express, and keeps its own alive from Fastify", async () => {
    const ex = await request(served.express.url).get('/api/items').expect(200);
    expect(ex.body.headers['connection']).toBe('close');
    const fa = await request(served.fastify.url).get('/api/items').expect(200);
    expect(fa.body.headers['connection']).toBe('keep-alive');
  });
});
