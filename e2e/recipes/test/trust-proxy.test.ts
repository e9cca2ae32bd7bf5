// docs/recipes/routing.md#trust-proxy: the client's address, host and protocol from the
// X-Forwarded-* headers of a proxy on loopback, with trust proxy unset and set.
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { buildTrustProxyExpress, buildTrustProxyFastify } from '../src/routing/trust-proxy.js';

const untrusted = await servePair({
  express: () => buildTrustProxyExpress(false),
  fastify: () => buildTrustProxyFastify(false),
});
const trusted = await servePair({
  express: () => buildTrustProxyExpress(true),
  fastify: () => buildTrustProxyFastify(true),
});
afterAll(async () => {
  await untrusted.close();
  await trusted.close();
});

const forwarded = (url: string) =>
  request(url)
    .get('/whoami')
    .set('x-forwarded-for', '203.0.113.7, 198.51.100.2')
    .set('x-forwarded-host', 'api.example')
    .set('x-forwarded-proto', 'https');

describe.each(untrusted.sides)('trust proxy unset on $name', ({ url }) => {
  it('ignores X-Forwarded-*: the socket’s address, the Host header, http', async () => {
    const res = await forwarded(url).expect(200);
    expect(res.body.ip).toBe('127.0.0.1');
    expect(res.body.host).toBe(new URL(url).host);
    expect(res.body.protocol).toBe('http');
  });
});

describe.each(trusted.sides)('trust proxy set to loopback on $name', ({ url }) => {
  it('takes the last untrusted address of X-Forwarded-For, its host and protocol', async () => {
    const res = await forwarded(url).expect(200);
    expect(res.body.ip).toBe('198.51.100.2');
    expect(res.body.host).toBe('api.example');
    expect(res.body.protocol).toBe('https');
  });
});

describe('the address list', () => {
  it('unset: Express req.ips is empty, Fastify request.ips is undefined', async () => {
    expect((await forwarded(untrusted.express.url)).body.ips).toEqual([]);
    expect((await forwarded(untrusted.fastify.url)).body).not.toHaveProperty('ips');
  });

  it('set: Express lists from the client, Fastify from the socket', async () => {
    expect((await forwarded(trusted.express.url)).body.ips).toEqual(['198.51.100.2']);
    expect((await forwarded(trusted.fastify.url)).body.ips).toEqual(['127.0.0.1', '198.51.100.2']);
  });
});
