// Scenario 6's control: one set of async handlers on @switchyard/domain's services, served by
// a minimal Express 5 or a minimal Fastify 5 (BENCH_FRAMEWORK). Same services, same async
// scrypt, same undici client with the same bounded fan-out: only the framework differs. It
// skips what the apps add on top (validation, helmet, logging, docs), in both frameworks alike.
import { UndiciUpstreamClient } from '@switchyard/fastify-api';
import { createServices, hashPassword, verifyPassword } from '@switchyard/domain';
import { accountLimiters, loadConfig } from '@switchyard/runtime';
import { openDatabase } from '@switchyard/persistence';
import { toAppError, type PostMessageBody } from '@switchyard/api-spec';
import express from 'express';
import Fastify from 'fastify';

const config = loadConfig();
const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.PGLITE_DATA_DIR });
const upstream = new UndiciUpstreamClient({
  baseUrls: { model: config.MODEL_URL, knowledge: config.KNOWLEDGE_URL },
  timeoutMs: config.UPSTREAM_TIMEOUT_MS,
  concurrency: config.FANOUT_CONCURRENCY,
  maxResponseBytes: config.UPSTREAM_MAX_RESPONSE_BYTES,
  maxLineBytes: config.UPSTREAM_MAX_LINE_BYTES,
});
// The same per-account budgets as the apps build, in this process's memory.
const limiters = accountLimiters(config, undefined);
const services = createServices({
  db,
  passwords: { hash: hashPassword, verify: verifyPassword },
  upstream,
  ensembleSources: config.ENSEMBLE_SOURCES,
  maxReplyChars: config.MAX_REPLY_CHARS,
  streamReplyTimeoutMs: config.STREAM_REPLY_TIMEOUT_MS,
  sessionTtlSeconds: config.SESSION_TTL_SECONDS,
  idempotencyTtlSeconds: config.IDEMPOTENCY_TTL_SECONDS,
  idempotencyLeaseMs: config.IDEMPOTENCY_LEASE_MS,
  limiters,
  loginLimiter: limiters.login,
  maxSessionsPerAccount: config.MAX_SESSIONS_PER_ACCOUNT,
  sessionPurgeBatch: config.SESSION_PURGE_BATCH,
  sessionCacheMaxEntries: config.SESSION_CACHE_MAX_ENTRIES,
  sessionCacheTtlSeconds: config.SESSION_CACHE_TTL_SECONDS,
});

/** The handlers, framework-free: (headers, params, body) → [status, body]. */
type Handler = (
  auth: string | undefined,
  params: Record<string, string>,
  body: unknown,
) => Promise<[number, unknown]>;

const handlers: Record<
  string,
  { method: 'GET' | 'POST'; path: string; fastifyPath: string; handle: Handler }
> = {
  ready: {
    method: 'GET',
    path: '/ready',
    fastifyPath: '/ready',
    handle: async () => [200, { status: 'ready', database: await db.ping().then(() => db.kind) }],
  },
  signUp: {
    method: 'POST',
    path: '/v1/accounts',
    fastifyPath: '/v1/accounts',
    handle: async (_a, _p, body) => [201, await services.accounts.signUp(body as never)],
  },
  logIn: {
    method: 'POST',
    path: '/v1/sessions',
    fastifyPath: '/v1/sessions',
    handle: async (_a, _p, body) => [201, await services.accounts.logIn(body as never)],
  },
  bots: {
    method: 'GET',
    path: '/v1/bots',
    fastifyPath: '/v1/bots',
    handle: async (auth) => {
      await services.accounts.authenticate(auth);
      return [200, { bots: services.chat.listBots() }];
    },
  },
  send: {
    method: 'POST',
    path: '/v1/bots/:botId/messages',
    fastifyPath: '/v1/bots/:botId/messages',
    handle: async (auth, params, body) => {
      const principal = await services.accounts.authenticate(auth);
      return [201, await services.chat.send(principal, params['botId']!, body as PostMessageBody)];
    },
  },
};

const fail = (error: unknown): [number, unknown] => {
  const e = toAppError(error);
  return [e.status, e.toEnvelope()];
};

const port = Number(process.env['PORT'] ?? 0);
const host = process.env['HOST'] ?? '127.0.0.1';

if (process.env['BENCH_FRAMEWORK'] === 'express') {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.json());
  for (const h of Object.values(handlers)) {
    app[h.method === 'GET' ? 'get' : 'post'](h.path, (req, res) => {
      void h
        .handle(req.headers.authorization, req.params as Record<string, string>, req.body)
        .catch(fail)
        .then(([status, body]) => res.status(status).json(body));
    });
  }
  const server = app.listen(port, host);
  process.on('SIGTERM', () => server.close(() => void db.close()));
} else {
  const app = Fastify({ logger: false });
  for (const h of Object.values(handlers)) {
    app.route({
      method: h.method,
      url: h.fastifyPath,
      handler: async (req, reply) => {
        const [status, body] = await h
          .handle(req.headers.authorization, req.params as Record<string, string>, req.body)
          .catch(fail);
        return reply.status(status).send(body);
      },
    });
  }
  await app.listen({ port, host });
  process.on('SIGTERM', () => void app.close().then(() => db.close()));
}
