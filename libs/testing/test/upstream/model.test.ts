import { describe, expect, it } from 'vitest';
import { completionFor } from '../../src/upstream/index.js';
import { buildCompletionRequest, postJson, readChunks, useUpstream } from './support.js';

const upstream = useUpstream({ chunkDelayMs: 20 });

function parseLines(chunks: readonly string[]): unknown[] {
  return chunks
    .join('')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);
}

const invalidBodies: Array<[string, unknown]> = [
  ['the prompt is missing', {}],
  ['the prompt is not a string', buildCompletionRequest({ prompt: 42 })],
  ['the prompt is empty', buildCompletionRequest({ prompt: '' })],
  ['maxTokens is 0', buildCompletionRequest({ maxTokens: 0 })],
  ['maxTokens is not an integer', buildCompletionRequest({ maxTokens: 1.5 })],
  ['maxTokens is a string', buildCompletionRequest({ maxTokens: '3' })],
];

describe('POST /model/complete', () => {
  it('completes deterministically from the prompt', async () => {
    const first = await postJson(`${upstream().url}/model/complete`, buildCompletionRequest());
    const second = await postJson(`${upstream().url}/model/complete`, buildCompletionRequest());

    expect(first.status).toBe(200);
    const body = await first.json();
    expect(body).toEqual({
      model: 'stand-in-1',
      completion:
        'You said: route my ticket. This is a deterministic reply from the stand-in model.',
      tokens: 14,
    });
    expect(await second.json()).toEqual(body);
  });

  it('cuts the completion to maxTokens words', async () => {
    const response = await postJson(
      `${upstream().url}/model/complete`,
      buildCompletionRequest({ maxTokens: 3 }),
    );

    expect(await response.json()).toEqual({
      model: 'stand-in-1',
      completion: 'You said: route',
      tokens: 3,
    });
  });

  it.each(invalidBodies)('returns 400 when %s', async (_case, body) => {
    const response = await postJson(`${upstream().url}/model/complete`, body);

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      statusCode: 400,
      code: 'SWY_ERR_STANDIN_BAD_REQUEST',
    });
  });
});

describe('POST /model/stream', () => {
  it('streams one ndjson delta per word, then the token count', async () => {
    const response = await postJson(`${upstream().url}/model/stream`, buildCompletionRequest());

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = parseLines(await readChunks(response));
    const expected = completionFor('route my ticket');
    expect(lines).toEqual([
      ...expected.words.map((word, i) => ({
        delta: i < expected.words.length - 1 ? `${word} ` : word,
      })),
      { done: true, tokens: expected.tokens },
    ]);
    // The deltas add up to exactly what /model/complete answers.
    const joined = (lines as Array<{ delta?: string }>).map((l) => l.delta ?? '').join('');
    expect(joined).toBe(expected.completion);
  });

  it('delivers several chunks before the final line', async () => {
    const response = await postJson(`${upstream().url}/model/stream`, buildCompletionRequest());

    const chunks = await readChunks(response);
    const final = chunks.findIndex((chunk) => chunk.includes('"done":true'));
    expect(final).toBeGreaterThanOrEqual(2);
  });

  it('honours maxTokens in the stream', async () => {
    const response = await postJson(
      `${upstream().url}/model/stream`,
      buildCompletionRequest({ maxTokens: 2 }),
    );

    expect(parseLines(await readChunks(response))).toEqual([
      { delta: 'You ' },
      { delta: 'said:' },
      { done: true, tokens: 2 },
    ]);
  });

  it.each(invalidBodies)('returns 400 when %s', async (_case, body) => {
    const response = await postJson(`${upstream().url}/model/stream`, body);

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'SWY_ERR_STANDIN_BAD_REQUEST' });
  });
});

describe('model latency', () => {
  const slow = useUpstream({ latencyMs: 200 });

  it('waits the server latency before completing', async () => {
    const started = performance.now();
    const response = await postJson(`${slow().url}/model/complete`, buildCompletionRequest());
    await response.json();

    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('waits the server latency before the first streamed line', async () => {
    const started = performance.now();
    const response = await postJson(`${slow().url}/model/stream`, buildCompletionRequest());

    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    await response.body?.cancel();
  });
});
