import { AppError } from '@switchyard/api-spec';
import { describe, expect, it } from 'vitest';
import { measuredUpstream, type UpstreamCall, type UpstreamClient } from '../src/index.js';

function buildClient(overrides: Partial<UpstreamClient> = {}): UpstreamClient {
  return {
    json: async <T>() => ({ ok: true }) as T,
    async *lines() {
      yield 'a';
      yield 'b';
    },
    fanOut: async (tasks) => Promise.allSettled(tasks.map((task) => task())) as Promise<never[]>,
    ...overrides,
  };
}

describe('measuredUpstream', () => {
  it('reports each call with its service, kind and outcome', async () => {
    const calls: UpstreamCall[] = [];
    const client = measuredUpstream(
      buildClient({
        json: async () => {
          throw new AppError('SWY_ERR_UPSTREAM_TIMEOUT');
        },
      }),
      (call) => calls.push(call),
    );
    const request = { service: 'knowledge', method: 'GET', path: '/sources/0/answer' } as const;
    await expect(client.json(request)).rejects.toThrow(AppError);
    const lines: string[] = [];
    for await (const line of client.lines({ ...request, service: 'model' })) lines.push(line);

    expect(lines).toEqual(['a', 'b']);
    expect(calls.map(({ service, kind, outcome }) => ({ service, kind, outcome }))).toEqual([
      { service: 'knowledge', kind: 'json', outcome: 'SWY_ERR_UPSTREAM_TIMEOUT' },
      { service: 'model', kind: 'stream', outcome: 'ok' },
    ]);
    for (const call of calls) expect(call.seconds).toBeGreaterThanOrEqual(0);
  });
});
