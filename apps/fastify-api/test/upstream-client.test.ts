import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '@switchyard/api-spec';
import { completionFor, startUpstream, type RunningUpstream } from '@switchyard/testing';
import { UndiciUpstreamClient } from '../src/index.js';

let upstream: RunningUpstream;
let client: UndiciUpstreamClient;

beforeAll(async () => {
  upstream = await startUpstream();
  client = new UndiciUpstreamClient({
    baseUrls: { model: upstream.url, knowledge: upstream.url },
    timeoutMs: 300,
    concurrency: 3,
    maxResponseBytes: 1 << 20,
    maxLineBytes: 1 << 16,
  });
});

afterAll(async () => {
  await client?.close();
  await upstream?.close();
});

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('UndiciUpstreamClient.fanOut', () => {
  it('runs at most `concurrency` tasks at once and reports them in input order', async () => {
    let running = 0;
    let most = 0;
    // Later tasks finish first, so input order and completion order differ.
    const tasks = Array.from({ length: 9 }, (_, i) => async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, (9 - i) * 5));
      running -= 1;
      return i;
    });

    const outcomes = await client.fanOut(tasks);

    expect(outcomes).toEqual(tasks.map((_, i) => ({ status: 'fulfilled', value: i })));
    expect(most).toBe(3);
  });

  it('never rejects: a failed task is reported where it stood', async () => {
    const boom = new AppError('SWY_ERR_UPSTREAM_UNAVAILABLE');
    const outcomes = await client.fanOut([
      async () => 'a',
      async () => {
        throw boom;
      },
      async () => 'c',
    ]);
    expect(outcomes).toEqual([
      { status: 'fulfilled', value: 'a' },
      { status: 'rejected', reason: boom },
      { status: 'fulfilled', value: 'c' },
    ]);
  });
});

describe('UndiciUpstreamClient.json', () => {
  it('returns the parsed JSON body', async () => {
    const body = await client.json<{ completion: string }>({
      service: 'model',
      method: 'POST',
      path: '/model/complete',
      body: { prompt: 'hello' },
    });
    expect(body.completion).toBe(completionFor('hello').completion);
  });

  it('keeps a path on the base URL', async () => {
    const below = new UndiciUpstreamClient({
      baseUrls: { model: `${upstream.url}/anything/`, knowledge: `${upstream.url}/anything` },
      timeoutMs: 1_000,
      concurrency: 1,
      maxResponseBytes: 1 << 20,
      maxLineBytes: 1 << 16,
    });
    try {
      const echo = await below.json<{ path: string; args: unknown }>({
        service: 'knowledge',
        method: 'GET',
        path: '/sources/7/answer?q=x',
      });
      expect(echo).toMatchObject({ path: '/anything/sources/7/answer', args: { q: 'x' } });
    } finally {
      await below.close();
    }
  });

  it('maps a non-2xx answer to SWY_ERR_UPSTREAM_BAD_RESPONSE', async () => {
    const error = await failure(
      client.json({ service: 'model', method: 'GET', path: '/status/503' }),
    );
    expect(error.code).toBe('SWY_ERR_UPSTREAM_BAD_RESPONSE');
    expect(error.message).toBe('The model service answered 503');
  });

  it('maps no answer within UPSTREAM_TIMEOUT_MS to SWY_ERR_UPSTREAM_TIMEOUT', async () => {
    const error = await failure(
      client.json({ service: 'model', method: 'GET', path: '/get?fault=hang' }),
    );
    expect(error.code).toBe('SWY_ERR_UPSTREAM_TIMEOUT');
  });

  it('maps a body that stalls past the deadline to SWY_ERR_UPSTREAM_TIMEOUT', async () => {
    const error = await failure(
      client.json({ service: 'model', method: 'GET', path: '/get?fault=slow&slowMs=3000' }),
    );
    expect(error.code).toBe('SWY_ERR_UPSTREAM_TIMEOUT');
  });

  it('maps a reset or a refused connection to SWY_ERR_UPSTREAM_UNAVAILABLE', async () => {
    const reset = await failure(
      client.json({ service: 'model', method: 'GET', path: '/get?fault=reset' }),
    );
    expect(reset.code).toBe('SWY_ERR_UPSTREAM_UNAVAILABLE');

    const nowhere = new UndiciUpstreamClient({
      baseUrls: { model: 'http://127.0.0.1:1', knowledge: 'http://127.0.0.1:1' },
      timeoutMs: 1_000,
      concurrency: 1,
      maxResponseBytes: 1 << 20,
      maxLineBytes: 1 << 16,
    });
    try {
      const refused = await failure(nowhere.json({ service: 'model', method: 'GET', path: '/' }));
      expect(refused.code).toBe('SWY_ERR_UPSTREAM_UNAVAILABLE');
    } finally {
      await nowhere.close();
    }
  });

  it("stops when the caller's signal aborts", async () => {
    const controller = new AbortController();
    const pending = client.json({
      service: 'model',
      method: 'GET',
      path: '/get?fault=hang',
      signal: controller.signal,
    });
    controller.abort();
    const error = await failure(pending);
    expect(error.code).toBe('SWY_ERR_UPSTREAM_UNAVAILABLE');
  });

  it("never sends a call whose caller's signal has already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await failure(
      client.json({
        service: 'model',
        method: 'GET',
        path: '/get?never=sent',
        signal: controller.signal,
      }),
    );
    expect(error.code).toBe('SWY_ERR_UPSTREAM_UNAVAILABLE');
    // A call that went out would be on record before the answer: a request seen proves it sent.
    await client.json({ service: 'model', method: 'GET', path: '/get?after=it' });
    expect(upstream.requests.all().filter((r) => r.url.includes('never=sent'))).toEqual([]);
  });

  it("stops every call of a fan-out with one listener on the caller's signal", async () => {
    const wide = new UndiciUpstreamClient({
      baseUrls: { model: upstream.url, knowledge: upstream.url },
      timeoutMs: 5_000,
      concurrency: 20,
      maxResponseBytes: 1 << 20,
      maxLineBytes: 1 << 16,
    });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const controller = new AbortController();
      const settled = wide.fanOut(
        Array.from(
          { length: 20 },
          (_, i) => () =>
            wide.json({
              service: 'knowledge',
              method: 'GET',
              path: `/get?fault=hang&i=${i}`,
              signal: controller.signal,
            }),
        ),
      );
      await vi.waitFor(() =>
        expect(upstream.requests.all().filter((r) => r.url.includes('fault=hang&i='))).toHaveLength(
          20,
        ),
      );
      controller.abort();
      const outcomes = await settled;
      await new Promise((resolve) => setImmediate(resolve));
      // A listener per call would pass EventTarget's leak warning (10) at every ensemble message.
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
      expect(outcomes.map((o) => o.status)).toEqual(Array(20).fill('rejected'));
      for (const o of outcomes) {
        expect((o as PromiseRejectedResult).reason).toMatchObject({
          code: 'SWY_ERR_UPSTREAM_UNAVAILABLE',
        });
      }
    } finally {
      process.off('warning', onWarning);
      await wide.close();
    }
  });
});

describe('UndiciUpstreamClient.lines', () => {
  it('yields each NDJSON line of a streamed response, whatever the chunk boundaries', async () => {
    const lines: string[] = [];
    for await (const line of client.lines({
      service: 'model',
      method: 'POST',
      path: '/model/stream',
      body: { prompt: 'one two' },
    })) {
      lines.push(line);
    }
    const { words, tokens } = completionFor('one two');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      ...words.map((word, i) => ({ delta: i < words.length - 1 ? `${word} ` : word })),
      { done: true, tokens },
    ]);
  });

  it('maps a non-2xx stream to SWY_ERR_UPSTREAM_BAD_RESPONSE', async () => {
    const read = async () => {
      for await (const _line of client.lines({
        service: 'model',
        method: 'POST',
        path: '/model/stream?fault=5xx',
        body: { prompt: 'x' },
      })) {
        // nothing arrives
      }
    };
    const error = await failure(read());
    expect(error.code).toBe('SWY_ERR_UPSTREAM_BAD_RESPONSE');
  });

  it('maps a stream that stalls mid-body to SWY_ERR_UPSTREAM_TIMEOUT', async () => {
    // The stand-in spreads /model/stream over 60 s: its lines come far more than 300 ms apart.
    const seen: string[] = [];
    const read = async () => {
      for await (const line of client.lines({
        service: 'model',
        method: 'POST',
        path: '/model/stream?fault=slow&slowMs=60000',
        body: { prompt: 'one two three four five six seven eight nine ten' },
      })) {
        seen.push(line);
      }
    };
    const error = await failure(read());
    expect(error.code).toBe('SWY_ERR_UPSTREAM_TIMEOUT');
    expect(seen.length).toBeLessThan(3);
  });

  it('does not count the time the consumer spends on a line as upstream silence', async () => {
    // Lines 5 ms apart; the consumer takes twice the 300 ms timeout over each of the first two.
    const lines: string[] = [];
    for await (const line of client.lines({
      service: 'model',
      method: 'POST',
      path: '/model/stream',
      body: { prompt: 'one two three' },
    })) {
      lines.push(line);
      if (lines.length <= 2) await new Promise((resolve) => setTimeout(resolve, 600));
    }
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ done: true });
  });
});
