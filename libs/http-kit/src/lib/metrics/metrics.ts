import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { envelope } from '@switchyard/api-spec';

/** The route label of a request no route matched: one value, whatever the URL (cardinality). */
export const UNMATCHED_ROUTE = 'unmatched';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The pool's connections now: what a Database's `poolStats()` returns. */
export type PoolGaugeSource = () => {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
  readonly max: number;
};

export interface UpstreamObservation {
  readonly service: string;
  readonly kind: string;
  readonly outcome: string;
  readonly seconds: number;
}

/**
 * One app's Prometheus metrics: the same names and labels in every app (docs/observability.md).
 * Request durations are labelled with the route pattern (`/v1/conversations/:id`), never the raw
 * URL, and an unmatched request is `unmatched`: the label's values are the route table's.
 */
export interface AppMetrics {
  readonly registry: Registry;
  /** `route`: the matched pattern, or undefined when no route matched. */
  observeRequest(method: string, route: string | undefined, status: number, seconds: number): void;
  observeUpstream(call: UpstreamObservation): void;
}

export function createMetrics(options: {
  readonly app: string;
  readonly pool?: PoolGaugeSource | undefined;
}): AppMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ app: options.app });
  // Event-loop delay (nodejs_eventloop_lag_*), heap, RSS, GC, handles: prom-client's defaults.
  collectDefaultMetrics({ register: registry });

  const requests = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP requests, by route pattern and status.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const upstream = new Histogram({
    name: 'upstream_request_duration_seconds',
    help: 'Duration of bot calls to the model and knowledge services, by outcome.',
    labelNames: ['service', 'kind', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const { pool } = options;
  if (pool) {
    new Gauge({
      name: 'db_pool_connections',
      help: 'Database pool connections: open (busy or idle), idle, and the pool size.',
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        const stats = pool();
        this.set({ state: 'open' }, stats.total);
        this.set({ state: 'idle' }, stats.idle);
        this.set({ state: 'max' }, stats.max);
      },
    });
    new Gauge({
      name: 'db_pool_waiting_queries',
      help: 'Queries waiting for a database pool connection.',
      registers: [registry],
      collect() {
        this.set(pool().waiting);
      },
    });
  }

  return {
    registry,
    observeRequest(method, route, status, seconds) {
      requests.observe(
        {
          method: METHODS.has(method) ? method : 'other',
          route: route ?? UNMATCHED_ROUTE,
          status_code: String(status),
        },
        seconds,
      );
    },
    observeUpstream(call) {
      upstream.observe(
        { service: call.service, kind: call.kind, outcome: call.outcome },
        call.seconds,
      );
    },
  };
}

export interface MetricsServer {
  /** `http://host:port`; the scrape target is `${url}/metrics`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * GET /metrics on a listener of its own (METRICS_HOST:METRICS_PORT), never on the public one:
 * the scrape is kept off the internet by the network, not by a secret to rotate. Anything
 * else there is a 404 in the API's error envelope.
 */
export async function startMetricsServer(
  metrics: AppMetrics,
  options: { readonly host: string; readonly port: number },
): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/metrics' && (req.method === 'GET' || req.method === 'HEAD')) {
      metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(req.method === 'HEAD' ? undefined : text);
        },
        () => {
          res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify(envelope('SWY_ERR_INTERNAL')));
        },
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(envelope('SWY_ERR_NOT_FOUND')));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host =
    options.host === '0.0.0.0'
      ? '127.0.0.1'
      : options.host.includes(':')
        ? `[${options.host === '::' ? '::1' : options.host}]`
        : options.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * An app's metrics when METRICS_PORT is set, else undefined: with it unset nothing is recorded,
 * so the apps pay nothing for metrics they do not serve.
 */
export function metricsFor(
  app: string,
  config: { readonly METRICS_PORT?: number | undefined },
  db: { readonly poolStats?: PoolGaugeSource | undefined },
): AppMetrics | undefined {
  return config.METRICS_PORT === undefined ? undefined : createMetrics({ app, pool: db.poolStats });
}

/** Listens on METRICS_HOST:METRICS_PORT when the app has metrics; undefined otherwise. */
export function serveMetrics(
  metrics: AppMetrics | undefined,
  config: { readonly METRICS_PORT?: number | undefined; readonly METRICS_HOST: string },
): Promise<MetricsServer | undefined> {
  if (!metrics || config.METRICS_PORT === undefined) return Promise.resolve(undefined);
  return startMetricsServer(metrics, { host: config.METRICS_HOST, port: config.METRICS_PORT });
}
