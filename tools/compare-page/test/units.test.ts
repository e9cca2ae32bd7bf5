import { describe, expect, it } from 'vitest';
import {
  histogramDelta,
  histogramOf,
  parsePrometheus,
  quantile,
} from '../src/server/prometheus.js';
import { MAX_WATERFALL_ROWS } from '../src/server/limits.js';
import { percentile } from '../src/server/scenarios.js';
import { SpanStore } from '../src/server/traces.js';

const EXPOSITION = `# HELP http_server_request_duration_seconds Duration
# TYPE http_server_request_duration_seconds histogram
http_server_request_duration_seconds_bucket{le="0.01",app="a",route="/x",status_code="200"} 2
http_server_request_duration_seconds_bucket{le="0.1",app="a",route="/x",status_code="200"} 6
http_server_request_duration_seconds_bucket{le="+Inf",app="a",route="/x",status_code="200"} 8
http_server_request_duration_seconds_sum{app="a",route="/x",status_code="200"} 1.5
http_server_request_duration_seconds_count{app="a",route="/x",status_code="200"} 8
http_server_request_duration_seconds_bucket{le="0.01",app="a",route="/y",status_code="404"} 2
http_server_request_duration_seconds_bucket{le="0.1",app="a",route="/y",status_code="404"} 2
http_server_request_duration_seconds_bucket{le="+Inf",app="a",route="/y",status_code="404"} 2
http_server_request_duration_seconds_count{app="a",route="/y",status_code="404"} 2
nodejs_eventloop_lag_p99_seconds{app="a"} 0.012
odd{label="a \\"quoted\\", comma"} 1
not a sample line
`;

describe('the Prometheus reader', () => {
  it('reads samples and their labels, escapes included, and skips what it cannot read', () => {
    const samples = parsePrometheus(EXPOSITION);
    expect(samples).toHaveLength(11);
    expect(samples.find((s) => s.name === 'odd')?.labels).toEqual({ label: 'a "quoted", comma' });
    expect(samples.find((s) => s.name === 'nodejs_eventloop_lag_p99_seconds')?.value).toBe(0.012);
  });

  it('sums a histogram over its series and estimates quantiles inside the buckets', () => {
    const h = histogramOf(parsePrometheus(EXPOSITION), 'http_server_request_duration_seconds');
    expect(h.count).toBe(10);
    expect(h.buckets.get(0.01)).toBe(4);
    expect(h.buckets.get(Infinity)).toBe(10);
    // Rank 5 of 10 lies in (0.01, 0.1], the first of its 4 observations: 0.01 + 0.09 × 1/4.
    expect(quantile(h, 0.5)).toBeCloseTo(0.0325, 6);
    // In the +Inf bucket: the highest finite bound, as histogram_quantile answers.
    expect(quantile(h, 0.99)).toBe(0.1);
    expect(quantile(histogramDelta(h, h), 0.5)).toBeUndefined();
  });
});

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 0.5)).toBe(50);
    expect(percentile(sorted, 0.99)).toBe(99);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
  });
});

describe('the last ensemble trace', () => {
  it('is the SERVER span that ended last, with its spans depth first in start order', () => {
    const store = new SpanStore();
    const s = (
      id: string,
      parent: string | undefined,
      kind: number,
      start: number,
      end: number,
      attrs: Record<string, string> = {},
      trace = 'b'.repeat(32),
    ) => ({
      traceId: trace,
      spanId: id.padStart(16, '0'),
      ...(parent ? { parentSpanId: parent.padStart(16, '0') } : {}),
      name: `span ${id}`,
      kind,
      startTimeUnixNano: String(start),
      endTimeUnixNano: String(end),
      attributes: Object.entries(attrs).map(([key, v]) => ({ key, value: { stringValue: v } })),
    });
    const ensemble = { 'url.path': '/v1/bots/ensemble/messages' };
    const source = (n: number) => ({ 'url.full': `http://127.0.0.1:1/sources/${n}/answer?q=x` });
    store.ingest({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'app' } }] },
          scopeSpans: [
            {
              spans: [
                s('1', undefined, 2, 100, 900, ensemble, 'c'.repeat(32)),
                s('a', undefined, 2, 1000, 2000, ensemble),
                s('c', 'b', 3, 1500, 1600, source(1)),
                s('b', 'a', 1, 1100, 1900),
                s('d', 'b', 3, 1200, 1400, source(0)),
              ],
            },
          ],
        },
      ],
    });
    const w = store.lastEnsemble('app')!;
    expect(w.traceId).toBe('b'.repeat(32));
    expect(w.durationNs).toBe(1000);
    expect(w.rows.map((r) => [r.name, r.depth, r.startNs, r.endNs, r.upstream])).toEqual([
      ['span a', 0, 0, 1000, false],
      ['span b', 1, 100, 900, false],
      ['span d', 2, 200, 400, true],
      ['span c', 2, 500, 600, true],
    ]);
    expect(store.lastEnsemble('other')).toBeUndefined();
  });
});

describe('a waterfall', () => {
  it(`shows at most ${MAX_WATERFALL_ROWS} rows and counts the rest`, () => {
    const store = new SpanStore();
    const span = (i: number) => ({
      traceId: 'd'.repeat(32),
      spanId: (i + 1).toString(16).padStart(16, '0'),
      ...(i ? { parentSpanId: '1'.padStart(16, '0') } : {}),
      name: `span ${i}`,
      kind: i ? 3 : 2,
      startTimeUnixNano: String(1000 + i),
      endTimeUnixNano: String(100_000),
      attributes: i
        ? []
        : [{ key: 'url.path', value: { stringValue: '/v1/bots/ensemble/messages' } }],
    });
    store.ingest({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'app' } }] },
          scopeSpans: [
            { spans: Array.from({ length: MAX_WATERFALL_ROWS + 10 }, (_, i) => span(i)) },
          ],
        },
      ],
    });
    const w = store.lastEnsemble('app')!;
    expect(w.rows).toHaveLength(MAX_WATERFALL_ROWS);
    expect(w.hidden).toBe(10);
  });
});
