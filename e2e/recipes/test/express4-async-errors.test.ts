// docs/recipes/express4.md#async-errors: Express 4 does not catch a rejected promise from an
// async handler. With Node's default the process ends and every open request with it; with an
// unhandledRejection listener the request never gets an answer. A wrapper passes the rejection
// on as next(err) on Express 4; Express 5 does that itself.
import request from 'supertest';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildExpress4Caught, buildExpress5Async } from '../src/express4/async-errors.js';
import { startChild, type Child } from '../src/express4/child-process.js';
import { serveSides } from '../src/express4/serve.js';

/** GET url; resolves with the status, or with the error's code when the connection fails. */
async function get(url: string, signal?: AbortSignal) {
  try {
    const res = await fetch(url, { signal: signal ?? AbortSignal.timeout(10_000) });
    return { status: res.status, body: (await res.json()) as unknown };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { failed: cause?.code ?? (error as Error).name };
  }
}

const served = await serveSides({
  express4: buildExpress4Caught(),
  express5: buildExpress5Async(),
});
afterAll(() => served.close());

let child: Child | undefined;
afterEach(async () => {
  await child?.stop();
  child = undefined;
});

describe('Express 4, a rejected async handler', () => {
  it('ends the process with Node’s default, and the client loses the connection', async () => {
    child = await startChild('express4', 'crash');
    await expect(get(`${child.url}/health`)).resolves.toEqual({ status: 200, body: { ok: true } });
    const answer = await get(`${child.url}/items/7`);
    expect(answer).toEqual({ failed: expect.stringMatching(/^(UND_ERR_SOCKET|ECONNRESET)$/) });
    const { code, stderr } = await child.exited();
    expect(code).toBe(1);
    expect(stderr).toContain('item 7 could not be loaded');
  });

  it('leaves the request without an answer when the app logs unhandled rejections', async () => {
    child = await startChild('express4', 'log');
    const abort = new AbortController();
    let settled = false;
    const pending = get(`${child.url}/items/7`, abort.signal).finally(() => (settled = true));
    await expect(child.waitFor('unhandledRejection')).resolves.toEqual({
      unhandledRejection: 'item 7 could not be loaded',
    });
    // The app still answers, after the rejection was reported: nothing is left to answer /items/7.
    await expect(get(`${child.url}/health`)).resolves.toEqual({ status: 200, body: { ok: true } });
    expect(settled).toBe(false);
    abort.abort();
    await expect(pending).resolves.toEqual({ failed: 'AbortError' });
  });
});

describe('the fix', () => {
  it('Express 4 with catchAsync answers 500 from the error handler', async () => {
    const res = await request(served.express4).get('/items/7').expect(500);
    expect(res.body).toEqual({ message: 'item 7 could not be loaded' });
  });

  it('Express 5 answers the same with no wrapper', async () => {
    const res = await request(served.express5).get('/items/7').expect(500);
    expect(res.body).toEqual({ message: 'item 7 could not be loaded' });
  });
});
