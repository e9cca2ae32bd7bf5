import { describe, expect, it, beforeEach } from 'vitest';
import { startUpstream } from '../../src/upstream/index.js';
import type { RequestLogBody } from '../../src/upstream/schemas.js';
import { rawRequest, readJson, useUpstream } from './support.js';

const upstream = useUpstream();

beforeEach(() => {
  upstream().requests.clear();
});

describe('request log', () => {
  it('records method, url, headers, remote address and time', async () => {
    const before = Date.now();
    await fetch(`${upstream().url}/post?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-trace-id': 'abc' },
      body: '{}',
    });

    const [record] = upstream().requests.all();
    expect(record).toMatchObject({
      id: 1,
      method: 'POST',
      url: '/post?x=1',
      remoteAddress: '127.0.0.1',
    });
    expect(record!.headers['x-trace-id']).toBe('abc');
    expect(record!.time).toBeGreaterThanOrEqual(before);
  });

  it('records requests that hang, reset or fail validation', async () => {
    await fetch(`${upstream().url}/get?fault=hang`, { signal: AbortSignal.timeout(100) }).catch(
      () => undefined,
    );
    await rawRequest(`${upstream().url}/get?fault=reset`).catch(() => undefined);
    await fetch(`${upstream().url}/sources/x/answer`);

    expect(
      upstream()
        .requests.all()
        .map((r) => r.url),
    ).toEqual(['/get?fault=hang', '/get?fault=reset', '/sources/x/answer']);
  });

  it('is served by GET /__requests, which is not logged itself', async () => {
    await fetch(`${upstream().url}/get?n=1`);
    await fetch(`${upstream().url}/nowhere`);

    const response = await fetch(`${upstream().url}/__requests`);
    const body = await readJson<RequestLogBody>(response);

    expect(body.count).toBe(2);
    expect(body.total).toBe(2);
    expect(body.requests.map((r) => r.url)).toEqual(['/get?n=1', '/nowhere']);
    expect(upstream().requests.count()).toBe(2);
  });

  it('is cleared by DELETE /__requests', async () => {
    await fetch(`${upstream().url}/get`);

    const response = await fetch(`${upstream().url}/__requests`, { method: 'DELETE' });

    expect(await response.json()).toEqual({ cleared: 1 });
    expect(upstream().requests.count()).toBe(0);
  });
});

describe('request log size', () => {
  it('keeps only the newest logSize requests', async () => {
    const server = await startUpstream({ logSize: 3 });
    try {
      for (let n = 1; n <= 5; n += 1) await fetch(`${server.url}/get?n=${n}`);

      expect(server.requests.all().map((r) => r.url)).toEqual(['/get?n=3', '/get?n=4', '/get?n=5']);
      expect(server.requests.total()).toBe(5);
    } finally {
      await server.close();
    }
  });
});
