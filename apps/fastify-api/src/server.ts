import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { applyServerLimits, keepAliveDrain, type Config } from '@switchyard/runtime';
import { metricsFor, serveMetrics, type AppMetrics } from '@switchyard/http-kit';
import { buildApp, type BuildAppOptions } from './app.js';

export type StartServerOptions = BuildAppOptions;

export interface RunningServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly server: Server;
  readonly app: FastifyInstance;
  /** The Prometheus listener (`${metricsUrl}/metrics`) when METRICS_PORT is set. */
  readonly metricsUrl?: string | undefined;
  /**
   * Stops accepting connections, lets in-flight requests finish for up to SHUTDOWN_TIMEOUT_MS,
   * closes WebSockets with 1001, then resolves. The database stays open. Safe to call twice.
   */
  close(): Promise<void>;
}

/** A host a client can dial: wildcard addresses become loopback, IPv6 gets brackets. */
function dialable(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

// #region guide:shutdown
async function shutdown(app: FastifyInstance, graceMs: number): Promise<void> {
  // Past the grace period, cut whatever is still open so close() resolves.
  const cutOff = setTimeout(() => {
    // No websocketServer when the app does not serve the stream group (the bridge app).
    for (const client of app.websocketServer?.clients ?? []) client.terminate();
    app.server.closeAllConnections();
  }, graceMs);
  try {
    await app.close();
  } finally {
    clearTimeout(cutOff);
  }
}
// #endregion guide:shutdown

/** Builds the app, waits for every plugin, and listens on HOST:PORT (PORT 0: any free port). */
// #region guide:start
export function startServer(options: StartServerOptions): Promise<RunningServer> {
  const metrics = options.metrics ?? metricsFor('fastify-api', options.config, options.db);
  return serve(buildApp({ ...options, metrics }), options.config, metrics);
}

/** Waits for every plugin of a built app and listens (apps/bridge-api builds its own app). */
export async function serve(
  app: FastifyInstance,
  config: Config,
  metrics?: AppMetrics,
): Promise<RunningServer> {
  try {
    await app.ready();
    await app.listen({ host: config.HOST, port: config.PORT });
  } catch (error) {
    await app.close();
    throw error;
  }
  const { port } = app.server.address() as AddressInfo;
  // #endregion guide:start
  // The app's metrics, when it has them (METRICS_PORT), on a listener of their own.
  const metricsServer = await serveMetrics(metrics, config).catch(async (error: unknown) => {
    await app.close();
    throw error;
  });
  // Timeouts and the connection cap, the same in every app (over Fastify's own: no request
  // timeout, a 72 s keep-alive); buildApp passes the check interval when it creates the server.
  const limits = applyServerLimits(app.server, config);
  const keepAlive = keepAliveDrain(app.server);
  async function close(): Promise<void> {
    // /ready answers 503 for SHUTDOWN_DRAIN_MS while everything else is served as before: a
    // balancer's health checks take the instance out before it stops listening.
    await app.services.readiness.drain(config.SHUTDOWN_DRAIN_MS);
    // Responses from now on, those in flight included, close their connection once sent:
    // Fastify marks only the requests that arrive while closing, and keeps the others alive
    // for the keep-alive timeout (KEEP_ALIVE_TIMEOUT_MS; Fastify's own is 72 s).
    keepAlive.drain();
    // A body still arriving would hold app.close() until the deadline.
    limits.closeUnfinished();
    await shutdown(app, config.SHUTDOWN_TIMEOUT_MS);
    await metricsServer?.close();
  }
  let closing: Promise<void> | undefined;
  return {
    url: `http://${dialable(config.HOST)}:${port}`,
    server: app.server,
    app,
    metricsUrl: metricsServer?.url,
    close: () => (closing ??= close()),
  };
}
