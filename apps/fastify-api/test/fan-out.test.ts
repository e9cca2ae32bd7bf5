import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { signUpAndLogIn, startStack, type Stack } from './support.js';

const LATENCY_MS = 100;

/**
 * The most source requests the upstream held at once, from its request log. Each one waits
 * LATENCY_MS before it is answered, so a request that arrived less than that before another is
 * certainly still in flight when the other arrives: the count is a lower bound on the true
 * number in flight, never an overestimate. (10 ms of slack for timer and clock granularity.)
 */
function mostInFlight(arrivals: number[]): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let most = 0;
  for (const [i, t] of sorted.entries()) {
    const recent = sorted.slice(0, i + 1).filter((s) => s > t - (LATENCY_MS - 10));
    most = Math.max(most, recent.length);
  }
  return most;
}

describe('POST /v1/bots/ensemble/messages (fan-out)', () => {
  let stack: Stack;
  let token: string;

  beforeAll(async () => {
    stack = await startStack({
      env: { ENSEMBLE_SOURCES: '10', FANOUT_CONCURRENCY: '5' },
      upstream: { latencyMs: LATENCY_MS },
    });
    token = await signUpAndLogIn(stack.api.url);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('asks the 10 sources concurrently, never more than FANOUT_CONCURRENCY=5 at once', async () => {
    stack.upstream.requests.clear();

    const res = await request(stack.api.url)
      .post('/v1/bots/ensemble/messages')
      .set('authorization', `Bearer ${token}`)
      .send({ text: 'which way?' })
      .expect(201);

    expect(res.body.reply.text).toMatch(/^10 of 10 sources answered\./);
    const sources = stack.upstream.requests.all().filter((r) => r.url.startsWith('/sources/'));
    expect(sources.map((r) => r.url.split('/')[2]).sort((a, b) => Number(a) - Number(b))).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
    ]);
    const inFlight = mostInFlight(sources.map((r) => r.time));
    expect(inFlight).toBeLessThanOrEqual(5);
    expect(inFlight).toBeGreaterThanOrEqual(2);
  });
});
