import { describe, expect, it } from 'vitest';
import { answerFor, type SourceAnswer } from '../../src/upstream/index.js';
import { readJson, useUpstream } from './support.js';

const upstream = useUpstream();

function ask(id: string | number, question?: string): Promise<Response> {
  const query = question === undefined ? '' : `?q=${encodeURIComponent(question)}`;
  return fetch(`${upstream().url}/sources/${id}/answer${query}`);
}

describe('GET /sources/:id/answer', () => {
  it('answers as the source named by the id, deterministically', async () => {
    const first = await ask(42, 'When does the store open?');
    const second = await ask(42, 'When does the store open?');

    expect(first.status).toBe(200);
    const body = await readJson<SourceAnswer>(first);
    expect(body).toEqual(answerFor(42, 'When does the store open?'));
    expect(body.source).toBe('source-42');
    expect(body.answer).toContain('When does the store open?');
    expect(await second.json()).toEqual(body);
  });

  it('gives a confidence between 0 and 1', async () => {
    const bodies = await Promise.all(
      [0, 1, 2, 3, 9999].map(async (id) => readJson<SourceAnswer>(await ask(id, 'q'))),
    );

    for (const body of bodies) {
      expect(body.confidence).toBeGreaterThanOrEqual(0);
      expect(body.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('lets different sources disagree on the same question', async () => {
    const bodies = await Promise.all(
      Array.from({ length: 8 }, async (_, id) =>
        readJson<SourceAnswer>(await ask(id, 'Is it refundable?')),
      ),
    );

    expect(new Set(bodies.map((b) => b.confidence)).size).toBeGreaterThan(1);
  });

  it.each(['10000', '-1', 'abc', '1.5'])('returns 400 when the id is %s', async (id) => {
    const response = await ask(id, 'q');

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'SWY_ERR_STANDIN_BAD_REQUEST' });
  });

  it('returns 400 when the question is missing', async () => {
    const response = await ask(1);

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'SWY_ERR_STANDIN_BAD_REQUEST' });
  });
});

describe('source latency', () => {
  const slow = useUpstream({ latencyMs: 200 });

  it('waits the server latency before answering', async () => {
    const started = performance.now();
    const response = await fetch(`${slow().url}/sources/3/answer?q=hi`);
    await response.json();

    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });
});

describe('latency override', () => {
  // A minute of server latency: if latency=0 were ignored the test would hit its timeout.
  const glacial = useUpstream({ latencyMs: 60_000 });

  it('lets latency=0 in the query replace the server latency', async () => {
    const response = await fetch(`${glacial().url}/sources/3/answer?q=hi&latency=0`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(answerFor(3, 'hi'));
  });
});
