import { describe, expect, it, beforeEach } from 'vitest';
import { CONTROL_HEADER, startUpstream } from '../../src/upstream/index.js';
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

  const control = () => ({ [CONTROL_HEADER]: upstream().controlToken! });

  it('is served by GET /__requests with the control token, which is not logged itself', async () => {
    await fetch(`${upstream().url}/get?n=1`);
    await fetch(`${upstream().url}/nowhere`);

    const response = await fetch(`${upstream().url}/__requests`, { headers: control() });
    const body = await readJson<RequestLogBody>(response);

    expect(body.count).toBe(2);
    expect(body.total).toBe(2);
    expect(body.requests.map((r) => r.url)).toEqual(['/get?n=1', '/nowhere']);
    expect(upstream().requests.count()).toBe(2);
  });

  it('is cleared by DELETE /__requests', async () => {
    await fetch(`${upstream().url}/get`);

    const response = await fetch(`${upstream().url}/__requests`, {
      method: 'DELETE',
      headers: control(),
    });

    expect(await response.json()).toEqual({ cleared: 1 });
    expect(upstream().requests.count()).toBe(0);
  });

  it('answers /__requests without the right control token with a 404, as an unknown path', async () => {
    await fetch(`${upstream().url}/get`);
    const attempts: Record<string, string>[] = [{}, { [CONTROL_HEADER]: 'not-the-token-at-all' }];
    for (const headers of attempts) {
      for (const method of ['GET', 'DELETE']) {
        const response = await fetch(`${upstream().url}/__requests`, { method, headers });
        expect(response.status).toBe(404);
        expect(JSON.stringify(await response.json())).not.toContain('/get');
      }
    }
    expect(upstream().requests.count()).toBe(1);
  });
});

describe('a public stand-in', () => {
  const open = useUpstream({ public: true, controlToken: 'a-token-for-the-public-one' });

  it('has no /__requests, whatever the token, and no control token', async () => {
    const response = await fetch(`${open().url}/__requests`, {
      headers: { [CONTROL_HEADER]: 'a-token-for-the-public-one' },
    });
    expect(response.status).toBe(404);
    expect(open().controlToken).toBeUndefined();
  });

  it('ignores fault and latency overrides from the query and the header', async () => {
    const response = await fetch(`${open().url}/get?fault=5xx&latency=60000`, {
      headers: { 'x-upstream-fault': 'reset' },
      signal: AbortSignal.timeout(5_000),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { args: object }).args).toEqual({
      fault: '5xx',
      latency: '60000',
    });
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
