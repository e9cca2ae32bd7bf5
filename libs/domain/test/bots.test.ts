import { describe, expect, it } from 'vitest';
import { bots, type BotContext } from '../src/lib/bots/index.js';
import { AppError } from '@switchyard/api-spec';
import type { FanOutTask, UpstreamClient, UpstreamRequest } from '../src/lib/upstream/index.js';

/** A scripted upstream: answers each request from `answer`, runs fan-out in order. */
function scriptedUpstream(
  answer: (request: UpstreamRequest) => unknown,
): UpstreamClient & { calls: UpstreamRequest[] } {
  const calls: UpstreamRequest[] = [];
  return {
    calls,
    async json<T>(request: UpstreamRequest) {
      calls.push(request);
      const value = answer(request);
      if (value instanceof Error) throw value;
      return value as T;
    },
    async *lines(request: UpstreamRequest) {
      calls.push(request);
      yield* answer(request) as string[];
    },
    async fanOut<T>(tasks: ReadonlyArray<FanOutTask<T>>) {
      const out: Array<PromiseSettledResult<T>> = [];
      for (const task of tasks) {
        try {
          out.push({ status: 'fulfilled', value: await task() });
        } catch (reason) {
          out.push({ status: 'rejected', reason });
        }
      }
      return out;
    },
  };
}

const context = (
  upstream: UpstreamClient,
  ensembleSources = 3,
  bounds: Partial<Pick<BotContext, 'maxReplyChars' | 'streamReplyTimeoutMs'>> = {},
): BotContext => ({
  upstream,
  ensembleSources,
  maxReplyChars: 100_000,
  streamReplyTimeoutMs: 60_000,
  ...bounds,
});

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of iterable) out.push(chunk);
  return out;
}

describe('bot registry', () => {
  it('holds echo, model and ensemble, each with a name and description', () => {
    expect(bots.keys()).toEqual(expect.arrayContaining(['echo', 'model', 'ensemble']));
    for (const [, Bot] of bots) {
      expect(Bot.info.name).toEqual(expect.any(String));
      expect(Bot.info.description.length).toBeGreaterThan(10);
    }
  });
});

describe('echo bot', () => {
  it('repeats the text without any upstream call, whole or in chunks', async () => {
    const upstream = scriptedUpstream(() => {
      throw new Error('no I/O expected');
    });
    const bot = bots.create('echo', context(upstream));
    expect(await bot.reply({ text: 'hello there' })).toBe('echo: hello there');
    expect((await collect(bot.stream({ text: 'hello there' }))).join('')).toBe('echo: hello there');
    expect(upstream.calls).toHaveLength(0);
  });
});

describe('model bot', () => {
  it('posts the prompt to /model/complete and answers with the completion', async () => {
    const upstream = scriptedUpstream(() => ({ completion: 'forty-two' }));
    expect(await bots.create('model', context(upstream)).reply({ text: 'meaning?' })).toBe(
      'forty-two',
    );
    expect(upstream.calls[0]).toMatchObject({
      service: 'model',
      method: 'POST',
      path: '/model/complete',
      body: { prompt: 'meaning?' },
    });
  });

  it('streams the deltas of /model/stream and stops at the done line', async () => {
    const upstream = scriptedUpstream(() => [
      '{"delta":"a "}',
      '{"delta":"b"}',
      '{"done":true}',
      '{"delta":"late"}',
    ]);
    expect(await collect(bots.create('model', context(upstream)).stream({ text: 'x' }))).toEqual([
      'a ',
      'b',
    ]);
  });

  it('reports SWY_ERR_UPSTREAM_BAD_RESPONSE for a body without a completion or a non-JSON line', async () => {
    await expect(
      bots.create('model', context(scriptedUpstream(() => ({ nope: 1 })))).reply({ text: 'x' }),
    ).rejects.toMatchObject({ code: 'SWY_ERR_UPSTREAM_BAD_RESPONSE' });
    await expect(
      collect(
        bots.create('model', context(scriptedUpstream(() => ['not json']))).stream({ text: 'x' }),
      ),
    ).rejects.toMatchObject({ code: 'SWY_ERR_UPSTREAM_BAD_RESPONSE' });
  });

  it('answers a completion of exactly MAX_REPLY_CHARS and refuses one character more', async () => {
    const bounded = (completion: string) =>
      bots
        .create(
          'model',
          context(
            scriptedUpstream(() => ({ completion })),
            3,
            { maxReplyChars: 5 },
          ),
        )
        .reply({ text: 'x' });
    expect(await bounded('12345')).toBe('12345');
    await expect(bounded('123456')).rejects.toMatchObject({
      code: 'SWY_ERR_UPSTREAM_BAD_RESPONSE',
      message: 'The model service sent a reply longer than 5 characters',
    });
  });

  it('stops a stream at MAX_REPLY_CHARS', async () => {
    const lines = ['{"delta":"123"}', '{"delta":"45"}', '{"delta":"6"}', '{"done":true}'];
    const seen: string[] = [];
    const bot = bots.create(
      'model',
      context(
        scriptedUpstream(() => lines),
        3,
        { maxReplyChars: 5 },
      ),
    );
    await expect(
      (async () => {
        for await (const delta of bot.stream({ text: 'x' })) seen.push(delta);
      })(),
    ).rejects.toMatchObject({ code: 'SWY_ERR_UPSTREAM_BAD_RESPONSE' });
    expect(seen).toEqual(['123', '45']);
  });

  it('ends a stream that outlasts STREAM_REPLY_TIMEOUT_MS with SWY_ERR_UPSTREAM_TIMEOUT', async () => {
    const dripping: UpstreamClient = {
      ...scriptedUpstream(() => []),
      async *lines(request: UpstreamRequest) {
        for (;;) {
          await new Promise((done) => setTimeout(done, 5));
          request.signal?.throwIfAborted();
          yield '{"delta":"drip "}';
        }
      },
    };
    const bot = bots.create('model', context(dripping, 3, { streamReplyTimeoutMs: 50 }));
    await expect(collect(bot.stream({ text: 'x' }))).rejects.toMatchObject({
      code: 'SWY_ERR_UPSTREAM_TIMEOUT',
      message: "The model service's stream took longer than 50 ms",
    });
  });

  it.each([
    ['a NUL in a completion', { completion: 'a\u0000b' }],
    ['a lone surrogate in a completion', { completion: 'a\ud800b' }],
  ])('refuses %s with SWY_ERR_UPSTREAM_BAD_RESPONSE', async (_what, body) => {
    await expect(
      bots.create('model', context(scriptedUpstream(() => body))).reply({ text: 'x' }),
    ).rejects.toMatchObject({ code: 'SWY_ERR_UPSTREAM_BAD_RESPONSE' });
  });

  it('refuses a NUL or a lone surrogate in a stream, but joins a pair cut between two deltas', async () => {
    const stream = (lines: string[]) =>
      collect(bots.create('model', context(scriptedUpstream(() => lines))).stream({ text: 'x' }));
    expect(await stream(['{"delta":"a\\ud83d"}', '{"delta":"\\ude00b"}', '{"done":true}'])).toEqual(
      ['a', '\u{1F600}b'],
    );
    await expect(stream(['{"delta":"a\\u0000"}'])).rejects.toMatchObject({
      code: 'SWY_ERR_UPSTREAM_BAD_RESPONSE',
    });
    await expect(stream(['{"delta":"a\\udc00"}'])).rejects.toMatchObject({
      code: 'SWY_ERR_UPSTREAM_BAD_RESPONSE',
    });
    await expect(stream(['{"delta":"a\\ud800"}', '{"done":true}'])).rejects.toMatchObject({
      code: 'SWY_ERR_UPSTREAM_BAD_RESPONSE',
    });
  });
});

describe('ensemble bot', () => {
  it('asks K sources through fanOut and answers with the most confident', async () => {
    const upstream = scriptedUpstream((r) => {
      const id = Number(/\/sources\/(\d+)\//.exec(r.path)![1]);
      return {
        source: `source-${id}`,
        answer: `answer ${id}`,
        confidence: [0.2, 0.9, 0.5, 0.1][id],
      };
    });
    const reply = await bots.create('ensemble', context(upstream, 4)).reply({ text: 'why & how?' });
    expect(reply).toBe('4 of 4 sources answered. source-1 (confidence 0.90): answer 1');
    expect(upstream.calls.map((c) => c.path)).toEqual(
      [0, 1, 2, 3].map((i) => `/sources/${i}/answer?q=why%20%26%20how%3F`),
    );
  });

  it("puts the caller's signal on every source request, so a client that leaves cancels them all", async () => {
    const upstream = scriptedUpstream(() => ({ source: 's', answer: 'ok', confidence: 0.5 }));
    const signal = new AbortController().signal;

    await bots.create('ensemble', context(upstream, 3)).reply({ text: 'q', signal });

    // toBe, not toEqual: any two AbortSignals look alike field by field.
    expect(upstream.calls).toHaveLength(3);
    for (const call of upstream.calls) expect(call.signal).toBe(signal);
  });

  it('answers from the sources that replied when some fail', async () => {
    const upstream = scriptedUpstream((r) =>
      r.path.startsWith('/sources/0/')
        ? new AppError('SWY_ERR_UPSTREAM_TIMEOUT')
        : { source: 's', answer: 'ok', confidence: 0.5 },
    );
    expect(await bots.create('ensemble', context(upstream, 3)).reply({ text: 'q' })).toMatch(
      /^2 of 3 sources answered/,
    );
  });

  it('fails with the upstream error when no source answers', async () => {
    const upstream = scriptedUpstream(() => new AppError('SWY_ERR_UPSTREAM_TIMEOUT'));
    await expect(
      bots.create('ensemble', context(upstream, 2)).reply({ text: 'q' }),
    ).rejects.toMatchObject({ code: 'SWY_ERR_UPSTREAM_TIMEOUT', status: 504 });
  });
});
