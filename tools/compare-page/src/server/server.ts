// The comparison page's server: the built page, a small JSON API over the scripted session's
// rows and the scenarios, live metrics over server-sent events, and an OTLP receiver the apps
// export their traces to. It listens on loopback by default: its buttons generate load.
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { DIST } from './build.js';
import { DOCS, readDoc } from './docs.js';
import {
  API_BODY_LIMIT_BYTES,
  DURATION_MAX_S,
  K_MAX,
  MAX_LIVE_CLIENTS,
  MAX_SPANS,
  OTLP_BODY_LIMIT_BYTES,
  PROXY_DELAY_MAX_MS,
  STORM_CLIENTS_MAX,
  WS_SOCKETS_MAX,
} from './limits.js';
import { LiveMetrics, type MetricsTarget } from './live.js';
import {
  SCENARIO_SCHEMAS,
  ScenarioError,
  ScenarioRunner,
  type AppControl,
  type ScenarioName,
} from './scenarios.js';
import { SpanStore } from './traces.js';

/** One row of the scripted session's table (tools/start/src/table.ts's Row). */
export interface ParityRow {
  readonly step: string;
  readonly same: boolean;
  readonly status: string;
  readonly expressMs: number | undefined;
  readonly fastifyMs: number | undefined;
  readonly note?: string;
}

export interface ComparePageOptions {
  readonly port: number;
  /** 127.0.0.1 unless given. */
  readonly host?: string;
  readonly control: AppControl;
  /** Each app's metrics listener, or undefined while it restarts. */
  readonly metrics: () => readonly MetricsTarget[];
  /** The workspace root, whose docs/ the page links into. */
  readonly workspace: string;
  /** Scrape interval of the live metrics; 1000 ms unless given. */
  readonly scrapeIntervalMs?: number;
}

export interface ComparePage {
  /** `http://127.0.0.1:<port>`; the OTLP endpoint is the same (`/v1/traces`). */
  readonly url: string;
  readonly spans: SpanStore;
  readonly live: LiveMetrics;
  readonly runner: ScenarioRunner;
  /** The scripted session's rows, once npm start has them. */
  setParity(rows: readonly ParityRow[]): void;
  close(): Promise<void>;
}

const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];

export async function startComparePage(options: ComparePageOptions): Promise<ComparePage> {
  const host = options.host ?? '127.0.0.1';
  const spans = new SpanStore();
  const live = new LiveMetrics(options.metrics);
  const runner = new ScenarioRunner(options.control);
  let parity: readonly ParityRow[] | null = null;
  live.alsoSend(() => ({ traces: spans.version, running: runner.running ?? null }));

  const app: FastifyInstance = Fastify({
    logger: false,
    bodyLimit: API_BODY_LIMIT_BYTES,
    // A bad K or duration is refused, not coerced or stripped.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true } },
  });
  // Only JSON is read: text/plain is a type a form on any web site may post here without a
  // CORS preflight, so it is not accepted at all (415).
  app.removeContentTypeParser('text/plain');

  let allowedHosts: Set<string> = new Set();
  app.addHook('onRequest', async (request, reply) => {
    // DNS rebinding: a page whose name resolves to 127.0.0.1 still sends its own Host.
    if (!allowedHosts.has(request.headers.host ?? '')) {
      return reply.code(403).send({ code: 'COMPARE_FORBIDDEN', message: 'unexpected Host header' });
    }
    const origin = request.headers.origin;
    if (request.method !== 'GET' && origin !== undefined) {
      let originHost = '';
      try {
        originHost = new URL(origin).host;
      } catch {
        // an opaque or malformed origin is another site's
      }
      if (!allowedHosts.has(originHost)) {
        return reply.code(403).send({ code: 'COMPARE_FORBIDDEN', message: 'cross-origin request' });
      }
    }
  });

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error instanceof ScenarioError) {
      return reply.code(error.status).send({ code: error.code, message: error.message });
    }
    if (error.validation) {
      return reply.code(400).send({ code: 'COMPARE_BAD_REQUEST', message: error.message });
    }
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    return reply.code(status).send({
      code: error.code ?? 'COMPARE_ERROR',
      message: status === 500 ? 'internal error' : error.message,
    });
  });

  await app.register(fastifyStatic, { root: DIST, index: 'index.html', wildcard: false });

  app.get('/api/state', async () => ({
    apps: options.control.apps(),
    ensembleSources: options.control.ensembleSources(),
    parity,
    running: runner.running ?? null,
    results: runner.results,
    limits: {
      kMax: K_MAX,
      durationMaxS: DURATION_MAX_S,
      stormClientsMax: STORM_CLIENTS_MAX,
      proxyDelayMaxMs: PROXY_DELAY_MAX_MS,
      wsSocketsMax: WS_SOCKETS_MAX,
      maxSpans: MAX_SPANS,
      maxLiveClients: MAX_LIVE_CLIENTS,
    },
  }));

  app.get('/api/session', async () => ({ rows: parity }));

  for (const [name, schema] of Object.entries(SCENARIO_SCHEMAS)) {
    app.post<{ Body: Record<string, number> }>(
      `/api/scenarios/${name}`,
      { schema: { body: schema } },
      async (request) => runner.run(name as ScenarioName, request.body),
    );
  }

  app.get('/api/traces', async () => ({
    version: spans.version,
    spans: spans.size,
    dropped: spans.dropped,
    apps: Object.fromEntries(
      options.control.apps().map((a) => [a.name, spans.lastEnsemble(a.name) ?? null]),
    ),
  }));

  app.get('/api/live', async (_request, reply) => {
    if (live.clients >= MAX_LIVE_CLIENTS) {
      return reply.code(503).send({
        code: 'COMPARE_TOO_MANY_LIVE_CLIENTS',
        message: `at most ${MAX_LIVE_CLIENTS} pages follow the live metrics at once`,
      });
    }
    reply.hijack();
    live.subscribe(reply.raw);
    return reply;
  });

  // The OTLP receiver (OTLP/HTTP, JSON encoding): OTEL_EXPORTER_OTLP_PROTOCOL=http/json.
  app.post('/v1/traces', { bodyLimit: OTLP_BODY_LIMIT_BYTES }, async (request) => {
    spans.ingest(request.body);
    return {};
  });

  app.get<{ Params: { file: string } }>('/docs/:file', async (request, reply) => {
    const html = await readDoc(options.workspace, request.params.file);
    if (!html) {
      return reply
        .code(404)
        .send({ code: 'COMPARE_NOT_FOUND', message: `only ${DOCS.join(' and ')} are served` });
    }
    return reply.type('text/html; charset=utf-8').send(html);
  });

  await app.listen({ port: options.port, host });
  const { port } = app.server.address() as AddressInfo;
  allowedHosts = new Set(
    [...LOOPBACK, host].map(
      (h) => `${h.includes(':') && !h.startsWith('[') ? `[${h}]` : h}:${port}`,
    ),
  );
  live.start(options.scrapeIntervalMs ?? 1000);
  const shown =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}`,
    spans,
    live,
    runner,
    setParity(rows) {
      parity = rows;
    },
    async close() {
      runner.stop();
      live.close();
      await app.close();
    },
  };
}
