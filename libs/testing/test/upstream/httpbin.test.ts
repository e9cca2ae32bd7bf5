import { describe, expect, it } from 'vitest';
import type { AnythingEcho, GetEcho, PostEcho } from '../../src/upstream/schemas.js';
import { rawRequest, readJson, useUpstream } from './support.js';

const upstream = useUpstream();

describe('GET /get', () => {
  it('echoes the query, headers, url and method', async () => {
    const response = await fetch(`${upstream().url}/get?a=1&a=2&b=x`, {
      headers: { 'x-trace-id': 'trace-1' },
    });

    expect(response.status).toBe(200);
    const body = await readJson<GetEcho>(response);
    expect(body).toMatchObject({
      args: { a: ['1', '2'], b: 'x' },
      url: '/get?a=1&a=2&b=x',
      method: 'GET',
    });
    expect(body.headers['x-trace-id']).toBe('trace-1');
  });
});

describe('POST /post', () => {
  it('echoes the JSON body, query and headers', async () => {
    const response = await fetch(`${upstream().url}/post?z=9`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-bot': 'faq' },
      body: JSON.stringify({ question: 'hours?', n: [1, 2] }),
    });

    expect(response.status).toBe(200);
    const body = await readJson<PostEcho>(response);
    expect(body.json).toEqual({ question: 'hours?', n: [1, 2] });
    expect(body.args).toEqual({ z: '9' });
    expect(body.headers['x-bot']).toBe('faq');
  });

  it('returns 400 with a coded error when the JSON is malformed', async () => {
    const response = await fetch(`${upstream().url}/post`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"question":',
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'SWY_ERR_STANDIN_BAD_REQUEST' });
  });
});

describe('/anything/*', () => {
  it('echoes method, path, query and headers for any method', async () => {
    const response = await fetch(`${upstream().url}/anything/v1/chat?room=7`, {
      method: 'DELETE',
      headers: { 'x-forwarded-for': '10.0.0.1' },
    });

    expect(response.status).toBe(200);
    const body = await readJson<AnythingEcho>(response);
    expect(body).toMatchObject({
      method: 'DELETE',
      path: '/anything/v1/chat',
      url: '/anything/v1/chat?room=7',
      args: { room: '7' },
      body: null,
    });
    expect(body.headers['x-forwarded-for']).toBe('10.0.0.1');
  });

  it('echoes a JSON body parsed and any other body as text', async () => {
    const json = await fetch(`${upstream().url}/anything`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    const csv = await fetch(`${upstream().url}/anything/upload`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'a,b\n1,2',
    });

    expect((await readJson<AnythingEcho>(json)).body).toEqual({ a: 1 });
    expect((await readJson<AnythingEcho>(csv)).body).toBe('a,b\n1,2');
  });
});

describe('GET /delay/:ms', () => {
  it('answers with the delay after waiting at least that long', async () => {
    const started = performance.now();
    const response = await fetch(`${upstream().url}/delay/200`);
    const elapsed = performance.now() - started;

    expect(await response.json()).toEqual({ delayedMs: 200 });
    expect(elapsed).toBeGreaterThanOrEqual(190);
  });

  it.each(['abc', '-5', '1.5'])('returns 400 when ms is %s', async (ms) => {
    const response = await fetch(`${upstream().url}/delay/${ms}`);

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'SWY_ERR_STANDIN_BAD_REQUEST' });
  });
});

describe('GET /status/:code', () => {
  it.each([200, 418, 503])('replies %i with the status in the body', async (code) => {
    const response = await fetch(`${upstream().url}/status/${code}`);

    expect(response.status).toBe(code);
    expect(await response.json()).toEqual({ status: code });
  });

  it.each([204, 304])('replies %i with an empty body', async (code) => {
    const response = await rawRequest(`${upstream().url}/status/${code}`);

    expect(response.status).toBe(code);
    expect(response.body).toBe('');
  });

  it.each(['100', '199', '600', '99', 'abc'])('returns 400 when the code is %s', async (code) => {
    const response = await fetch(`${upstream().url}/status/${code}`);

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'SWY_ERR_STANDIN_BAD_REQUEST' });
  });
});

describe('unknown routes', () => {
  it('returns 404 with a coded JSON error', async () => {
    const response = await fetch(`${upstream().url}/v1/nowhere`);

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      statusCode: 404,
      code: 'SWY_ERR_STANDIN_NOT_FOUND',
      error: 'Not Found',
      message: 'no route for GET /v1/nowhere',
    });
  });
});

describe('GET /redirect-to', () => {
  it('answers the asked 3xx with the asked Location, 302 by default', async () => {
    const target = 'http://10.0.0.1/internal';
    const plain = await fetch(`${upstream().url}/redirect-to?url=${encodeURIComponent(target)}`, {
      redirect: 'manual',
    });
    expect(plain.status).toBe(302);
    expect(plain.headers.get('location')).toBe(target);

    const moved = await fetch(`${upstream().url}/redirect-to?url=%2Fget&status=308`, {
      redirect: 'manual',
    });
    expect(moved.status).toBe(308);
    expect(moved.headers.get('location')).toBe('/get');
  });

  it('refuses a status that is not a redirect with 400', async () => {
    const response = await fetch(`${upstream().url}/redirect-to?url=%2Fget&status=200`, {
      redirect: 'manual',
    });
    expect(response.status).toBe(400);
  });
});
