import type { FastifyPluginAsync } from 'fastify';
import type { RequestLog } from '../../lib/request-log.js';
import { ClearedSchema, RequestLogSchema } from '../../schemas.js';

/** Reading and clearing the request log; these requests are not logged themselves. */
export interface RequestLogRoutesOptions {
  readonly log: RequestLog;
}

const requestLogRoutes: FastifyPluginAsync<RequestLogRoutesOptions> = async (app, { log }) => {
  const config = { upstreamControl: true };

  app.get('/', { config, schema: { response: { 200: RequestLogSchema } } }, async () => ({
    count: log.count(),
    total: log.total(),
    requests: log.all(),
  }));

  app.delete('/', { config, schema: { response: { 200: ClearedSchema } } }, async () => {
    const cleared = log.count();
    log.clear();
    return { cleared };
  });
};

export default requestLogRoutes;
