import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { UpstreamError, UpstreamErrorCode } from '../../lib/errors.js';
import { CONTROL_HEADER } from '../../options.js';
import type { RequestLog } from '../../lib/request-log.js';
import { ClearedSchema, RequestLogSchema } from '../../schemas.js';

/** Reading and clearing the request log; these requests are not logged themselves. */
export interface RequestLogRoutesOptions {
  readonly log: RequestLog;
  /** The `x-upstream-control` value a caller must send; anything else is a 404. */
  readonly controlToken: string;
}

function same(given: unknown, expected: Buffer): boolean {
  if (typeof given !== 'string') return false;
  const bytes = Buffer.from(given);
  return bytes.length === expected.length && timingSafeEqual(bytes, expected);
}

const requestLogRoutes: FastifyPluginAsync<RequestLogRoutesOptions> = async (
  app,
  { log, controlToken },
) => {
  const config = { upstreamControl: true };
  const expected = Buffer.from(controlToken);
  // A 404 like any unknown route, not a 401: a caller without the token learns nothing here.
  app.addHook('onRequest', async (request) => {
    if (!same(request.headers[CONTROL_HEADER], expected)) {
      throw new UpstreamError(
        UpstreamErrorCode.NOT_FOUND,
        `no route for ${request.method} ${request.url}`,
      );
    }
  });

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
