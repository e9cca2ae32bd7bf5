import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { signUpAndLogIn, startStack, timedGet, type Stack } from './support.js';

const SLOW_MS = 1_000;

describe('GET /v1/proxy/:service/* (streaming)', () => {
  let stack: Stack;
  let token: string;

  beforeAll(async () => {
    stack = await startStack({
      env: (upstreamUrl) => ({
        PROXY_TIMEOUT_MS: '2000',
        PROXY_SERVICES: JSON.stringify({
          httpbin: { url: upstreamUrl, paths: ['/'] },
          quick: { url: upstreamUrl, timeoutMs: 300, paths: ['/'] },
        }),
      }),
    });
    token = await signUpAndLogIn(stack.api.url);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('passes the first body bytes on before the upstream has finished sending', async () => {
    const res = await timedGet(
      `${stack.api.url}/v1/proxy/httpbin/get?fault=slow&slowMs=${SLOW_MS}`,
      { authorization: `Bearer ${token}` },
    );

    expect(res.status).toBe(200);
    expect(res.aborted).toBe(false);
    expect(JSON.parse(res.body)).toMatchObject({ url: `/get?fault=slow&slowMs=${SLOW_MS}` });
    // The stand-in spreads the body over SLOW_MS in 10 pieces; a buffering proxy would hand it
    // over in one go at the end.
    expect(res.chunks.length).toBeGreaterThan(1);
    const first = res.chunks[0]!.at;
    const last = res.chunks.at(-1)!.at;
    expect(last - first).toBeGreaterThanOrEqual(SLOW_MS / 2);
  });

  it('passes a redirect back as it is instead of following it', async () => {
    await request(stack.api.url)
      .get('/v1/proxy/httpbin/status/302')
      .set('authorization', `Bearer ${token}`)
      .redirects(0)
      .expect(302, { status: 302 });
  });

  it('passes upstream error statuses and bodies back as they are', async () => {
    await request(stack.api.url)
      .get('/v1/proxy/httpbin/status/418')
      .set('authorization', `Bearer ${token}`)
      .expect(418, { status: 418 });
  });

  it('is a 504 SWY_ERR_UPSTREAM_TIMEOUT when no headers come within the service timeout', async () => {
    const res = await request(stack.api.url)
      .get('/v1/proxy/quick/get?fault=hang')
      .set('authorization', `Bearer ${token}`)
      .expect(504);
    expect(res.body.error.code).toBe('SWY_ERR_UPSTREAM_TIMEOUT');
  });

  it('is a 502 SWY_ERR_UPSTREAM_UNAVAILABLE when the upstream resets the connection', async () => {
    const res = await request(stack.api.url)
      .get('/v1/proxy/httpbin/get?fault=reset')
      .set('authorization', `Bearer ${token}`)
      .expect(502);
    expect(res.body.error.code).toBe('SWY_ERR_UPSTREAM_UNAVAILABLE');
  });

  it('cuts the response off when the upstream stalls longer than the timeout after its headers', async () => {
    // 10 pieces over 18 s: gaps of 2 s, well over the 300 ms the quick service allows (undici
    // checks its body timer on a coarse clock, about half a second per tick).
    const res = await timedGet(`${stack.api.url}/v1/proxy/quick/get?fault=slow&slowMs=18000`, {
      authorization: `Bearer ${token}`,
    });
    expect(res.status).toBe(200);
    expect(res.aborted).toBe(true);
    expect(res.chunks.length).toBeLessThan(10);
  });
});
