import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WORKSPACE } from '@switchyard/testing';
import { startComparePage, type AppControl, type ComparePage } from '../src/index.js';
import { K_MAX, MAX_LIVE_CLIENTS, MAX_SPANS, OTLP_BODY_LIMIT_BYTES } from '../src/server/limits.js';
import { SpanStore } from '../src/server/traces.js';

/** A control with no apps: a scenario ends at once, unless a restart holds it (`hold`). */
function buildControl() {
  let release: () => void = () => undefined;
  let k = 5;
  const control: AppControl & { hold(): void; release(): void } = {
    apps: () => [],
    ensembleSources: () => k,
    restartWithEnsembleSources: (next) =>
      new Promise<void>((resolve) => {
        release = () => {
          k = next;
          resolve();
        };
      }),
    hold() {},
    release: () => release(),
  };
  return control;
}

let page: ComparePage;
let control: ReturnType<typeof buildControl>;

beforeAll(async () => {
  control = buildControl();
  page = await startComparePage({
    port: 0,
    control,
    metrics: () => [],
    workspace: WORKSPACE,
    scrapeIntervalMs: 60_000,
  });
});
afterAll(() => page?.close());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${page.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** A request with headers fetch would not send as given (Host). */
function raw(
  path: string,
  headers: Record<string, string>,
  method = 'GET',
): Promise<{ status: number; body: string }> {
  const { port } = new URL(page.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('POST /api/scenarios/*', () => {
  it.each([
    ['k below 1', { k: 0, durationS: 2 }, /body\/k must be >= 1/],
    [
      'k above the apps’ ENSEMBLE_SOURCES bound',
      { k: K_MAX + 1, durationS: 2 },
      /body\/k must be <= 100/,
    ],
    ['a fractional k', { k: 1.5, durationS: 2 }, /body\/k must be integer/],
    ['k as a string', { k: '5', durationS: 2 }, /body\/k must be integer/],
    ['no k', { durationS: 2 }, /must have required property 'k'/],
    ['a duration over 30 s', { k: 5, durationS: 31 }, /body\/durationS must be <= 30/],
    ['a duration of 0', { k: 5, durationS: 0 }, /body\/durationS must be >= 1/],
    ['an unknown setting', { k: 5, durationS: 2, extra: 1 }, /must NOT have additional properties/],
  ])('answers 400 for %s', async (_name, body, message) => {
    const res = await post('/api/scenarios/fanout', body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { code: string; message: string };
    expect(json.code).toBe('COMPARE_BAD_REQUEST');
    expect(json.message).toMatch(message);
  });

  it.each([
    ['login-storm', { clients: 21, durationS: 2 }, /clients must be <= 20/],
    ['slow-proxy', { delayMs: 3001, durationS: 2 }, /delayMs must be <= 3000/],
    ['websocket', { sockets: 9, durationS: 2 }, /sockets must be <= 8/],
  ])('answers 400 for %s past its bound', async (name, body, message) => {
    const res = await post(`/api/scenarios/${name}`, body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(message);
  });

  it('runs one scenario at a time: a second one while the first runs is a 409', async () => {
    // k 7 is not the apps' 5: the run waits on the restart until released.
    const first = post('/api/scenarios/fanout', { k: 7, durationS: 1 });
    await expect.poll(() => page.runner.running).toBe('fanout');
    const second = await post('/api/scenarios/websocket', { sockets: 1, durationS: 1 });
    expect(second.status).toBe(409);
    expect(await second.json()).toEqual({
      code: 'SCENARIO_RUNNING',
      message: '"fanout" is running; one scenario at a time, try again when it ends',
    });
    control.release();
    const done = await first;
    expect(done.status).toBe(200);
    expect(((await done.json()) as { note: string }).note).toMatch(/ENSEMBLE_SOURCES=7/);
    const again = await post('/api/scenarios/websocket', { sockets: 1, durationS: 1 });
    expect(again.status).toBe(200);
  });

  it('answers 413 for a settings body over 4 KiB', async () => {
    const res = await post('/api/scenarios/fanout', { k: 5, durationS: 2, pad: 'x'.repeat(5000) });
    expect(res.status).toBe(413);
  });
});

describe('who may call the page', () => {
  it('refuses text/plain, the type a form on another site could post without a preflight (415)', async () => {
    const res = await post('/api/scenarios/fanout', '{"k":5,"durationS":1}', {
      'content-type': 'text/plain',
    });
    expect(res.status).toBe(415);
  });

  it('refuses another Host header (DNS rebinding) with 403', async () => {
    const res = await raw('/api/state', { host: 'attacker.example:80' });
    expect(res.status).toBe(403);
    expect(res.body).toContain('unexpected Host header');
  });

  it('refuses a POST from another origin with 403', async () => {
    const res = await post(
      '/api/scenarios/fanout',
      { k: 5, durationS: 1 },
      {
        origin: 'http://attacker.example',
      },
    );
    expect(res.status).toBe(403);
  });

  it('serves the two linked docs and nothing else from docs/', async () => {
    const guide = await fetch(`${page.url}/docs/case-study.md`);
    expect(guide.status).toBe(200);
    expect(await guide.text()).toContain('<a id="fan-out"></a>');
    for (const path of ['/docs/benchmarks.md', '/docs/..%2Fpackage.json', '/docs/.env']) {
      expect((await fetch(`${page.url}${path}`)).status).toBe(404);
    }
  });
});

describe('POST /v1/traces (the OTLP receiver)', () => {
  const span = (i: number, extra: Record<string, unknown> = {}) => ({
    traceId: 'a'.repeat(32),
    spanId: i.toString(16).padStart(16, '0'),
    name: `span ${i}`,
    kind: 1,
    startTimeUnixNano: String(1_000_000_000 + i),
    endTimeUnixNano: String(1_000_000_100 + i),
    ...extra,
  });
  const exportOf = (spans: unknown[]) => ({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'test-app' } }] },
        scopeSpans: [{ spans }],
      },
    ],
  });

  it('takes a body up to 4 MiB and refuses a larger one with 413', async () => {
    const base = JSON.stringify(exportOf([span(1, { pad: '' })]));
    const fits = JSON.stringify(
      exportOf([span(1, { pad: 'x'.repeat(OTLP_BODY_LIMIT_BYTES - base.length) })]),
    );
    expect(Buffer.byteLength(fits)).toBe(OTLP_BODY_LIMIT_BYTES);
    expect((await post('/v1/traces', fits)).status).toBe(200);
    const over = JSON.stringify(
      exportOf([span(1, { pad: 'x'.repeat(OTLP_BODY_LIMIT_BYTES - base.length + 1) })]),
    );
    expect((await post('/v1/traces', over)).status).toBe(413);
  });

  it('refuses protobuf (415): the apps export http/json', async () => {
    const res = await post('/v1/traces', 'x', { 'content-type': 'application/x-protobuf' });
    expect(res.status).toBe(415);
  });

  it(`keeps at most ${MAX_SPANS} spans, the oldest out first`, () => {
    const store = new SpanStore();
    const spans = Array.from({ length: MAX_SPANS + 100 }, (_, i) => span(i));
    expect(store.ingest(exportOf(spans))).toBe(MAX_SPANS + 100);
    expect(store.size).toBe(MAX_SPANS);
    expect(store.dropped).toBe(100);
  });

  it('leaves out spans it cannot read', () => {
    const store = new SpanStore();
    const kept = store.ingest(
      exportOf([
        span(1),
        span(2, { traceId: 'not hex' }),
        span(3, { startTimeUnixNano: '-1' }),
        span(4, { endTimeUnixNano: '1' }),
        null,
      ]),
    );
    expect(kept).toBe(1);
    expect(store.ingest({ resourceSpans: 'nope' })).toBe(0);
  });
});

describe('GET /api/live (server-sent events)', () => {
  const open: AbortController[] = [];
  afterEach(() => {
    for (const c of open.splice(0)) c.abort();
  });

  it(`follows at most ${MAX_LIVE_CLIENTS} pages at once; one more is a 503 until one leaves`, async () => {
    for (let i = 0; i < MAX_LIVE_CLIENTS; i += 1) {
      const controller = new AbortController();
      open.push(controller);
      const res = await fetch(`${page.url}/api/live`, { signal: controller.signal });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    }
    const refused = await fetch(`${page.url}/api/live`);
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { code: string }).code).toBe('COMPARE_TOO_MANY_LIVE_CLIENTS');
    open.shift()!.abort();
    await expect.poll(() => page.live.clients).toBe(MAX_LIVE_CLIENTS - 1);
    const controller = new AbortController();
    open.push(controller);
    expect((await fetch(`${page.url}/api/live`, { signal: controller.signal })).status).toBe(200);
  });
});

describe('closing the page', () => {
  it('ends a running scenario’s loops at once, and refuses new ones with 503', async () => {
    // A stand-in for one app: sign-up, log-in and ensemble messages, each answered at once.
    const { createServer } = await import('node:http');
    let messages = 0;
    const fake = createServer((req, res) => {
      if (req.url?.includes('/messages')) messages += 1;
      req.resume();
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ token: 't' }));
      });
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    const { port } = fake.address() as { port: number };
    const own = await startComparePage({
      port: 0,
      control: {
        apps: () => [{ name: 'fake', url: `http://127.0.0.1:${port}` }],
        ensembleSources: () => 5,
        restartWithEnsembleSources: async () => undefined,
      },
      metrics: () => [],
      workspace: WORKSPACE,
      scrapeIntervalMs: 60_000,
    });
    try {
      const running = own.runner.run('fanout', { k: 5, durationS: 30 });
      await expect.poll(() => messages).toBeGreaterThan(2);
      own.runner.stop();
      const result = await running;
      expect(result.seconds).toBeLessThan(30);
      expect(result.apps[0]!.groups[0]!.count).toBeGreaterThan(0);
      const refused = await fetch(`${own.url}/api/scenarios/fanout`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ k: 5, durationS: 1 }),
      });
      expect(refused.status).toBe(503);
    } finally {
      await own.close();
      fake.close();
    }
  });
});
