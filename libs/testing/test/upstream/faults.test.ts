import type { AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { buildUpstream, completionFor, startUpstream } from '../../src/upstream/index.js';
import type { ErrorBody } from '../../src/upstream/schemas.js';
import { buildCompletionRequest, postJson, rawRequest, readJson, useUpstream } from './support.js';

const upstream = useUpstream();

describe('latency=<ms>', () => {
  it('delays a route that has no latency of its own', async () => {
    const started = performance.now();
    const response = await fetch(`${upstream().url}/get?latency=200`);

    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  it.each(['abc', '-1', '60001', '2.5'])('returns 400 when latency is %s', async (latency) => {
    const response = await fetch(`${upstream().url}/get?latency=${latency}`);

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'SWY_ERR_STANDIN_BAD_REQUEST' });
  });
});

describe('fault=hang', () => {
  it('never answers, so the client gives up on its own timeout', async () => {
    const attempt = fetch(`${upstream().url}/get?fault=hang`, {
      signal: AbortSignal.timeout(200),
    });

    await expect(attempt).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('lets the socket go when the client goes away', async () => {
    const app = buildUpstream();
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { port } = app.server.address() as AddressInfo;
      const controller = new AbortController();
      const attempt = rawRequest(`http://127.0.0.1:${port}/get?fault=hang`, {
        signal: controller.signal,
      });
      await vi.waitFor(() => expect(app.requests.count()).toBe(1));
      const connections = (): Promise<number> =>
        new Promise((resolve, reject) =>
          app.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
        );
      expect(await connections()).toBe(1);

      controller.abort();

      await expect(attempt).rejects.toMatchObject({ name: 'AbortError' });
      await vi.waitFor(async () => expect(await connections()).toBe(0));
    } finally {
      await app.close();
    }
  });
});

describe('fault=reset', () => {
  it('resets the connection, which the client sees as ECONNRESET', async () => {
    await expect(rawRequest(`${upstream().url}/get?fault=reset`)).rejects.toMatchObject({
      code: 'ECONNRESET',
    });
  });

  it('fails a fetch with a socket error', async () => {
    await expect(fetch(`${upstream().url}/get?fault=reset`)).rejects.toThrow(TypeError);
  });
});

describe('fault=slow', () => {
  it('sends the headers, then the full body in pieces spread over slowMs', async () => {
    const response = await rawRequest(`${upstream().url}/get?fault=slow&slowMs=500`);

    expect(response.status).toBe(200);
    expect(response.headers['x-upstream-fault']).toBe('slow');
    expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(response.body));
    expect(JSON.parse(response.body)).toMatchObject({ url: '/get?fault=slow&slowMs=500' });
    expect(response.chunks.length).toBeGreaterThanOrEqual(3);
    const first = response.chunks[0]!.at;
    const last = response.chunks.at(-1)!.at;
    expect(last - first).toBeGreaterThanOrEqual(450);
  });

  it('spreads a model stream over slowMs', async () => {
    const started = performance.now();
    const response = await postJson(
      `${upstream().url}/model/stream?fault=slow&slowMs=300`,
      buildCompletionRequest(),
    );
    const text = await response.text();

    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(text.trim().split('\n')).toHaveLength(completionFor('route my ticket').tokens + 1);
  });

  it.each(['x', '60001'])('returns 400 when slowMs is %s', async (slowMs) => {
    const response = await fetch(`${upstream().url}/get?fault=slow&slowMs=${slowMs}`);

    expect(response.status).toBe(400);
  });
});

describe('fault=5xx', () => {
  it('answers 503 with a coded JSON error', async () => {
    const response = await fetch(`${upstream().url}/sources/1/answer?q=x&fault=5xx`);

    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      statusCode: 503,
      code: 'SWY_ERR_STANDIN_INJECTED_FAULT',
      error: 'Service Unavailable',
      message: 'injected fault: 503',
    });
  });

  it('answers with the status given by status=', async () => {
    const response = await postJson(
      `${upstream().url}/model/complete?fault=5xx&status=529`,
      buildCompletionRequest(),
    );

    expect(response.status).toBe(529);
    expect(await response.json()).toMatchObject({ statusCode: 529 });
  });

  it.each(['200', '499', '600', 'x'])('returns 400 when status is %s', async (status) => {
    const response = await fetch(`${upstream().url}/get?fault=5xx&status=${status}`);

    expect(response.status).toBe(400);
  });
});

describe('fault=close', () => {
  it('answers with an empty body and closes the connection', async () => {
    const response = await rawRequest(`${upstream().url}/get?fault=close`);

    expect(response.status).toBe(200);
    expect(response.headers.connection).toBe('close');
    expect(response.body).toBe('');
    await response.socketClosed;
  });

  it('makes a JSON client fail to parse the body', async () => {
    const response = await fetch(`${upstream().url}/get?fault=close`);

    await expect(response.json()).rejects.toThrow(SyntaxError);
  });
});

describe('the x-upstream-fault header', () => {
  it('injects the fault it names', async () => {
    const response = await fetch(`${upstream().url}/anything/proxied`, {
      headers: { 'x-upstream-fault': '5xx' },
    });

    expect(response.status).toBe(503);
  });

  it('injects a reset like the query string does', async () => {
    await expect(
      rawRequest(`${upstream().url}/get`, { headers: { 'x-upstream-fault': 'reset' } }),
    ).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('gives way to fault= in the query string', async () => {
    const response = await fetch(`${upstream().url}/get?fault=5xx&status=502`, {
      headers: { 'x-upstream-fault': 'reset' },
    });

    expect(response.status).toBe(502);
  });

  it('returns 400 for a fault it does not know', async () => {
    const response = await fetch(`${upstream().url}/get`, {
      headers: { 'x-upstream-fault': 'explode' },
    });

    expect(response.status).toBe(400);
    expect((await readJson<ErrorBody>(response)).message).toContain('explode');
  });
});

describe('faults on a closing server', () => {
  it('close() resolves while a hung request is open', async () => {
    const server = await startUpstream();
    const attempt = fetch(`${server.url}/get?fault=hang`);
    const outcome = attempt.then(
      () => 'answered',
      () => 'failed',
    );
    await vi.waitFor(() => expect(server.requests.count()).toBe(1));

    await server.close();

    expect(await outcome).toBe('failed');
  });

  it('close() resolves while a delayed request is waiting', async () => {
    const server = await startUpstream();
    const outcome = fetch(`${server.url}/delay/60000`).then(
      () => 'answered',
      () => 'failed',
    );
    await vi.waitFor(() => expect(server.requests.count()).toBe(1));

    await server.close();

    expect(await outcome).toBe('failed');
  });
});

describe('a standing fault (faults.set)', () => {
  const standing = useUpstream();

  it('applies to requests that ask for no fault, until cleared', async () => {
    standing().faults.set({ fault: '5xx', status: 502 });
    try {
      const faulted = await fetch(`${standing().url}/model/complete`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(buildCompletionRequest()),
      });
      expect(faulted.status).toBe(502);
      await faulted.body?.cancel();
    } finally {
      standing().faults.clear();
    }
    const healthy = await fetch(`${standing().url}/get`);
    expect(healthy.status).toBe(200);
    await healthy.body?.cancel();
  });

  it("gives way to the request's own fault", async () => {
    standing().faults.set({ fault: 'hang' });
    try {
      const response = await fetch(`${standing().url}/get?fault=5xx&status=500`);
      expect(response.status).toBe(500);
      await response.body?.cancel();
    } finally {
      standing().faults.clear();
    }
  });

  it('counts a hung response as held until the client lets go', async () => {
    standing().faults.set({ fault: 'hang' });
    const controller = new AbortController();
    try {
      const attempt = rawRequest(`${standing().url}/get`, { signal: controller.signal });
      await vi.waitFor(() => expect(standing().faults.held()).toBe(1));
      controller.abort();
      await expect(attempt).rejects.toThrow();
      await vi.waitFor(() => expect(standing().faults.held()).toBe(0));
    } finally {
      standing().faults.clear();
    }
  });

  it('refuses a status that is not a 5xx', () => {
    expect(() => standing().faults.set({ fault: '5xx', status: 404 })).toThrow(/500 to 599/);
  });
});
