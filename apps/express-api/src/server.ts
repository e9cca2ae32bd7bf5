import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { applyServerLimits, keepAliveDrain, serverOptions } from '@switchyard/runtime';
import { metricsFor, serveMetrics } from '@switchyard/http-kit';
import { createApp, type CreateAppOptions } from './app.js';
import { clientErrorHandler } from './middleware/errors.js';
import { attachStreamServer } from './routes/stream.js';

export type StartServerOptions = CreateAppOptions;

export interface RunningServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly server: Server;
  /** The Prometheus listener (`${metricsUrl}/metrics`) when METRICS_PORT is set. */
  readonly metricsUrl?: string | undefined;
  /**
   * Stops accepting connections, lets in-flight requests finish (up to SHUTDOWN_TIMEOUT_MS),
   * closes WebSockets with 1001. Leaves the database open: its opener closes it. Safe to call twice.
   */
  close(): Promise<void>;
}

/** A host a client can dial: wildcard addresses become loopback, IPv6 gets brackets. */
function dialable(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/** Builds the app, attaches the WebSocket server and listens on HOST:PORT (0: any free port). */
export async function startServer(input: StartServerOptions): Promise<RunningServer> {
  // METRICS_PORT set: the app records into these, and they are served on their own listener.
  const metrics = input.metrics ?? metricsFor('express-api', input.config, input.db);
  const options = { ...input, metrics };
  const { config } = options;
  // #region guide:start
  const app = createApp(options);
  const server = createServer(serverOptions(config), app);
  const streams = attachStreamServer(server, app.locals.context);
  // Requests the HTTP parser refuses: the envelope and the security headers, not Node's bare 400.
  server.on('clientError', clientErrorHandler(app.locals.context.logger));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  // #endregion guide:start
  // Prometheus on its own listener (METRICS_PORT), never on HOST:PORT.
  let metricsServer: Awaited<ReturnType<typeof serveMetrics>>;
  try {
    metricsServer = await serveMetrics(metrics, config);
  } catch (error) {
    await new Promise((resolve) => server.close(resolve));
    throw error;
  }
  // Session events (other processes' log-outs): until the first subscription is answered, every
  // request looks its session up in the database, so serving meanwhile is safe; the wait only
  // makes the cache useful from the first request on.
  await app.locals.context.services.sessionEvents.ready();
  // Timeouts and the connection cap, the same in every app (REQUEST_TIMEOUT_MS and the rest);
  // the check interval went to createServer above, the only place Node takes it.
  const limits = applyServerLimits(server, config);
  const keepAlive = keepAliveDrain(server);

  // #region guide:close
  let closed: Promise<void> | undefined;
  function close(): Promise<void> {
    // /ready answers 503 for SHUTDOWN_DRAIN_MS while everything else is served as before: a
    // balancer's health checks take the instance out before it stops listening.
    closed ??= app.locals.context.services.readiness
      .drain(config.SHUTDOWN_DRAIN_MS)
      .then(() => stop());
    return closed;
  }
  function stop(): Promise<void> {
    return new Promise<void>((resolve) => {
      // In-flight requests still end, idle keep-alive sockets go now, busy ones after their
      // response (Node's server.close); WebSockets are not HTTP requests and are closed here.
      // Past SHUTDOWN_TIMEOUT_MS whatever is left is dropped.
      const force = setTimeout(() => {
        server.closeAllConnections();
        streams.terminateAll();
      }, config.SHUTDOWN_TIMEOUT_MS);
      server.close(() => {
        clearTimeout(force);
        // The session events' listener, then the rate limits' Redis connection, once no request
        // can use them. A quit that fails (Redis already gone) must not stop the shutdown nor
        // surface as an unhandled rejection; close() never rejects.
        const { redis, services } = app.locals.context;
        const quit = services.sessionEvents.close().then(() => redis?.quit());
        quit.then(
          () => resolve(),
          () => resolve(),
        );
      });
      server.closeIdleConnections();
      // A body still arriving would hold close() until the deadline.
      limits.closeUnfinished();
      streams.closeAll(1001, 'Server shutting down');
    });
  }
  // #endregion guide:close

  return {
    url: `http://${dialable(config.HOST)}:${port}`,
    server,
    metricsUrl: metricsServer?.url,
    close() {
      // Responses from now on, those in flight included, close their connection once sent:
      // Node alone keeps a busy connection alive after its response, until keepAliveTimeout.
      keepAlive.drain();
      // The metrics listener last, so that a scrape during the drain still gets an answer.
      return close().then(() => metricsServer?.close());
    },
  };
}
