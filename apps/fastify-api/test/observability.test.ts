import { tracing } from '@opentelemetry/sdk-node';
import { loadConfig } from '@switchyard/runtime';
import { startTracing, type Tracing } from '@switchyard/runtime/tracing';
import type { Database } from '@switchyard/persistence';
import { databaseTargets } from '@switchyard/persistence/testing';
import {
  clientSpansTo,
  descendsFrom,
  allAtOnce,
  serverSpanOf,
  startUpstream,
  type RunningUpstream,
} from '@switchyard/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/index.js';
import { fastifyInstrumentations } from '../src/tracing.js';

// Tracing and metrics (docs/observability.md). The SDK starts before the app's modules are
// imported (below, in beforeAll), as the process's preload does; Vitest loads the packages
// itself, so import-in-the-middle's loader hook is not needed here.
const exporter = new tracing.InMemorySpanExporter();
const SOURCES = 5;

let sdk: Tracing;
let upstream: RunningUpstream;
let db: Database;
let api: RunningServer;
let plain: RunningServer;
let auth: { authorization: string };

beforeAll(async () => {
  sdk = await startTracing({
    serviceName: 'fastify-api',
    esmHooks: false,
    spanProcessors: [new tracing.SimpleSpanProcessor(exporter)],
    instrumentations: fastifyInstrumentations,
  });
  const { startServer } = await import('../src/index.js');
  const { signUpAndLogIn } = await import('./support.js');
  upstream = await startUpstream({ latencyMs: 50 });
  // The PostgreSQL server when there is one (a real pool for the pool gauges), else PGlite.
  const targets = await databaseTargets();
  db = await (targets.find((t) => t.kind === 'postgres' && !t.skipReason) ?? targets[0]!).open();
  const env = {
    PORT: '0',
    LOG_LEVEL: 'silent',
    MODEL_URL: upstream.url,
    KNOWLEDGE_URL: upstream.url,
    ENSEMBLE_SOURCES: String(SOURCES),
  };
  api = await startServer({ config: loadConfig({ ...env, METRICS_PORT: '0' }), db, logger: false });
  plain = await startServer({ config: loadConfig(env), db, logger: false });
  auth = { authorization: `Bearer ${await signUpAndLogIn(api.url)}` };
});

afterAll(async () => {
  await api?.close();
  await plain?.close();
  await db?.close();
  await upstream?.close();
  await sdk?.shutdown();
});

describe('tracing', () => {
  it('shows the ensemble bot asking its knowledge sources all at once, under the request', async () => {
    exporter.reset();
    await request(api.url)
      .post('/v1/bots/ensemble/messages')
      .set(auth)
      .send({ text: 'which way?' })
      .expect(201);

    const spans = exporter.getFinishedSpans();
    const [server] = serverSpanOf(spans, '/v1/bots/ensemble/messages');
    const sources = clientSpansTo(spans, '/sources/');
    expect(server).toBeDefined();
    expect(sources).toHaveLength(SOURCES);
    for (const span of sources) expect(descendsFrom(span, server!, spans)).toBe(true);
    // The "after" fan-out (docs/case-study.md#fan-out): FANOUT_CONCURRENCY 20, all 5 in flight.
    expect(allAtOnce(sources)).toBe(true);
  });
});

describe('GET /metrics (METRICS_PORT)', () => {
  it('is served on its own listener, and the public one answers 404 in the error envelope', async () => {
    expect(api.metricsUrl).toBeDefined();
    await request(api.metricsUrl!)
      .get('/metrics')
      .expect(200)
      .expect('content-type', /text\/plain/);
    const res = await request(api.url).get('/metrics').expect(404);
    expect(res.body).toEqual({ error: { code: 'SWY_ERR_NOT_FOUND', message: expect.any(String) } });
    const other = await request(api.metricsUrl!).get('/other').expect(404);
    expect(other.body.error.code).toBe('SWY_ERR_NOT_FOUND');
  });

  it('is off when METRICS_PORT is unset', () => {
    expect(plain.metricsUrl).toBeUndefined();
  });

  it('records a request under its route pattern, and every unknown URL under one label', async () => {
    await request(api.url)
      .get(`/v1/conversations/${crypto.randomUUID()}/messages`)
      .set(auth)
      .expect(404);
    await request(api.url).get('/no/such/route/1').expect(404);
    await request(api.url).get('/no/such/route/2').expect(404);
    await request(api.url).post('/v1/bots/ensemble/messages').set(auth).send({ text: 'hi' });

    const text = (await request(api.metricsUrl!).get('/metrics')).text;
    const routes = new Set(
      [...text.matchAll(/^http_server_request_duration_seconds_count\{[^}]*route="([^"]*)"/gm)].map(
        (m) => m[1],
      ),
    );
    expect(routes).toContain('/v1/conversations/:id/messages');
    expect(routes).toContain('/v1/bots/:botId/messages');
    expect(routes).toContain('unmatched');
    expect([...routes].filter((r) => r!.startsWith('/no/'))).toEqual([]);
    expect(text).toMatch(
      /^http_server_request_duration_seconds_count\{[^}]*route="unmatched",status_code="404"[^}]*\} [1-9]/m,
    );
    expect(text).toMatch(/^upstream_request_duration_seconds_count\{[^}]*service="knowledge"/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds/m);
    expect(text).toMatch(/^process_resident_memory_bytes/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes/m);
    expect(text).toMatch(/^db_pool_connections\{state="max"/m);
  });
});
