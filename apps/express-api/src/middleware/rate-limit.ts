import { rateLimited, type ApiRoute } from '@switchyard/api-spec';
import { type Config } from '@switchyard/runtime';
import type { Request, RequestHandler } from 'express';
import { rateLimit, type RateLimitInfo } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import { RedisStore, type RedisReply } from 'rate-limit-redis';

/**
 * `rateLimit(route)`: express-rate-limit for one route, RATE_LIMIT_MAX requests per client IP and
 * RATE_LIMIT_WINDOW_MS, counted in Redis when the app has a client (REDIS_URL) so that every
 * instance shares the limit. Past it: 429 SWY_ERR_RATE_LIMITED with Retry-After through the
 * error handler, and no other rate-limit headers, as in fastify-api. Put it before the body
 * parser, so a refused request is not read.
 */
export function rateLimits(
  config: Pick<Config, 'RATE_LIMIT_MAX' | 'RATE_LIMIT_WINDOW_MS' | 'REDIS_KEY_PREFIX'>,
  redis: Redis | undefined,
) {
  return function limit(route: ApiRoute): RequestHandler {
    return rateLimit({
      windowMs: config.RATE_LIMIT_WINDOW_MS,
      limit: config.RATE_LIMIT_MAX,
      standardHeaders: false,
      legacyHeaders: false,
      // Redis down: let the request through rather than refuse every log-in.
      passOnStoreError: true,
      // With TRUST_PROXY unset, an X-Forwarded-For header is ignored on purpose (the peer is the
      // client): not a misconfiguration to print a stack for on every limiter.
      validate: { xForwardedForHeader: false },
      ...(redis
        ? {
            store: new RedisStore({
              prefix: `${config.REDIS_KEY_PREFIX}rate-limit:express:${route.operationId}:`,
              sendCommand: (command: string, ...args: string[]) =>
                redis.call(command, ...args) as Promise<RedisReply>,
            }),
          }
        : {}),
      handler: (req, _res, next) => {
        // express-rate-limit puts its figures on req.rateLimit (requestPropertyName).
        const reset = (req as Request & { rateLimit?: RateLimitInfo }).rateLimit?.resetTime;
        const left = reset ? reset.getTime() - Date.now() : config.RATE_LIMIT_WINDOW_MS;
        next(rateLimited(left));
      },
    });
  };
}
