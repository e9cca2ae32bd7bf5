import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { RequestLog } from '../lib/request-log.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Control routes (`/__requests`) skip the log, latency and faults. */
    readonly upstreamControl?: boolean;
  }
}
export interface RequestLogPluginOptions {
  readonly log: RequestLog;
}

const requestLog: FastifyPluginAsync<RequestLogPluginOptions> = async (app, { log }) => {
  // Registered before the faults plugin, so a request is on record before it hangs or resets.
  // A callback hook, not an async one: it runs on every request and never waits.
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.routeOptions.config.upstreamControl === true) return done();
    const socket = request.raw.socket;
    log.record({
      time: Date.now(),
      method: request.method,
      url: request.url,
      headers: { ...request.headers },
      remoteAddress: socket.remoteAddress,
      remotePort: socket.remotePort,
    });
    done();
  });
};

export default fp(requestLog, { name: 'upstream-request-log', fastify: '5.x' });
