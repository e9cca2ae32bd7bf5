import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import { openRedis } from '@switchyard/runtime';
import { rateLimited } from '@switchyard/api-spec';

declare module 'fastify' {
  interface FastifyInstance {
    /** The Redis client behind the rate limits when REDIS_URL is set (the bridge shares it). */
    readonly redis: Redis | undefined;
  }
}

/**
 * @fastify/rate-limit on the routes whose table entry says `rateLimited` (fromTable sets their
 * `config.rateLimit`): RATE_LIMIT_MAX per client IP and RATE_LIMIT_WINDOW_MS, each route its own
 * window, counted in Redis when REDIS_URL is set so that every instance shares the limit. Past
 * it: 429 SWY_ERR_RATE_LIMITED with Retry-After and no other rate-limit headers, as in express-api.
 * The check is an onRequest hook, before the body is read.
 */
const rateLimitPlugin: FastifyPluginAsync = async (app) => {
  const { RATE_LIMIT_MAX, RATE_LIMIT_WINDOW_MS, REDIS_URL, REDIS_KEY_PREFIX } = app.config;
  const redis = REDIS_URL ? openRedis(REDIS_URL, app.log) : undefined;
  if (redis) {
    app.addHook('onClose', async () => {
      await redis.quit().catch(() => undefined);
    });
  }
  app.decorate('redis', redis);
  const none = {
    'x-ratelimit-limit': false,
    'x-ratelimit-remaining': false,
    'x-ratelimit-reset': false,
  };
  await app.register(rateLimit, {
    global: false,
    max: RATE_LIMIT_MAX,
    timeWindow: RATE_LIMIT_WINDOW_MS,
    ...(redis ? { redis, nameSpace: `${REDIS_KEY_PREFIX}rate-limit:fastify:` } : {}),
    // Redis down: let the request through (and log it) rather than refuse every log-in.
    skipOnError: true,
    addHeadersOnExceeding: none,
    addHeaders: { ...none, 'retry-after': false },
    errorResponseBuilder: (_request, context) => rateLimited(context.ttl),
  });
};

export default fp(rateLimitPlugin, {
  name: 'rate-limit',
  fastify: '5.x',
  dependencies: ['config'],
});
