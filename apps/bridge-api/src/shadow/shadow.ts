// Shadow traffic (issue 17, docs/migration-guide.md#prove-a-group): the bridge answers a read
// of a shadowed group from Express, then, once the client has its answer, runs the same request
// through Fastify's routes of that group and compares the two answers: in a worker thread of
// its own (SHADOW_THREAD=worker, thread.ts and worker.ts) or on the bridge's thread (inline).
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Database } from '@switchyard/persistence';
import { buildApp, type BuildAppOptions } from '@switchyard/fastify-api';
import type { Config } from '@switchyard/runtime';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import FindMyWay from 'find-my-way';
import type { Answer } from './compare.js';
import { ShadowCounters, type ShadowSnapshot } from './counters.js';
import type { ShadowPlan, ShadowRoute } from './plan.js';
import { redactUrl } from './redact.js';
import { replayingSide, type ShadowJob, type ShadowSide } from './side.js';
import { startWorkerSide } from './thread.js';

export { MAX_LOGGED_DIFFERENCES } from './side.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Set when SHADOW_GROUPS names a group: the shadow's counters and a wait for its work. */
    readonly shadow?: Shadow;
  }
}

export interface Shadow {
  readonly counters: ShadowCounters;
  /**
   * Resolves once the Fastify side has started (in the worker, up or failed: a failure is
   * logged and its reads count as shadow errors). The bridge serves before that; a read that
   * comes sooner waits for it, within SHADOW_MAX_PENDING.
   */
  ready(): Promise<void>;
  /** Resolves once every shadow request started so far has been compared (or given up). */
  settled(): Promise<void>;
}

export interface ShadowOptions {
  /**
   * Tests only, never in production: builds the Fastify side on the bridge's thread from the
   * options the bridge gives it (fastify-api's buildApp with the shadowed groups and no
   * Express), to plant a double of a route. Setting it runs the side inline.
   */
  readonly build?: (options: BuildAppOptions) => FastifyInstance;
  /**
   * Tests only: the URL of a module whose `build` does the same inside the shadow worker
   * (SHADOW_THREAD=worker), where a function cannot be sent.
   */
  readonly buildModule?: string;
}

/** What the onRequest hook keeps of a request it picked, until the response is sent. */
interface Ticket {
  readonly route: ShadowRoute;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly remoteAddress: string | undefined;
  /** Express's body as sent (onSend); unset when it was too long or not a string or buffer. */
  body?: string;
  /** Why Express's answer cannot be compared, when it cannot. */
  unusable?: 'too-large' | 'not-text' | 'not-sent';
}

/** The shadow side's log level: warn, or the bridge's own when that is quieter. */
function shadowLogger(log: FastifyBaseLogger): FastifyBaseLogger {
  const values = (log as { levels?: { values: Record<string, number> } }).levels?.values;
  const level = values && (values[log.level] ?? 0) > (values['warn'] ?? 40) ? log.level : 'warn';
  return log.child({ shadow: true }, { level });
}

/**
 * The shadow as a bridge plugin: three hooks on every request (onRequest picks the reads of the
 * shadowed routes, onSend keeps Express's body, onResponse hands the pair on once the response
 * has been sent), a second Fastify app built with only the shadowed groups and no Express (so
 * that inject() keeps its bodies: trap 4 of the guide), and the counters.
 */
export function shadowPlugin(plan: ShadowPlan, db: Database, options: ShadowOptions = {}) {
  return fp(
    async (app: FastifyInstance) => {
      const config: Config = app.config;
      const counters = new ShadowCounters(plan.routes.map((route) => route.key));
      const run = randomUUID();
      // Fastify's own router, with the bridge's options, tells which shadowed route a URL is.
      const router = FindMyWay({ ignoreTrailingSlash: true, maxParamLength: 16_384 });
      for (const route of plan.routes) router.on(route.method, route.path, () => undefined, route);

      const limits = {
        timeoutMs: config.SHADOW_TIMEOUT_MS,
        maxBodyBytes: config.SHADOW_MAX_BODY_BYTES,
      };
      const shadowLog = shadowLogger(app.log);
      // #region guide:shadow-side
      // The Fastify side: fastify-api's routes of the shadowed groups, on the bridge's database
      // and without Redis (the shadowed reads are not rate-limited). By default in a worker
      // thread of its own, so that its CPU and its garbage stay off the thread that answers
      // clients; it keeps a session cache of its own, told of every session that ends in the
      // bridge before any later job. Inline, it runs the bridge's own services (one session
      // cache) on the bridge's thread.
      let side: ShadowSide;
      let sideReady = Promise.resolve();
      let stopRelay = () => undefined as unknown;
      if (config.SHADOW_THREAD === 'worker' && !options.build) {
        const worker = startWorkerSide({
          config,
          groups: plan.groups,
          db,
          log: shadowLog,
          limits,
          live: () => app.services.sessionEvents.live,
          ...(options.buildModule ? { buildModule: options.buildModule } : {}),
        });
        stopRelay = app.services.accounts.onEnded((event) => worker.sessionEnded(event));
        side = worker;
        sideReady = worker.ready;
      } else {
        const shadowApp = (options.build ?? buildApp)({
          config: { ...config, REDIS_URL: undefined },
          db,
          services: app.services,
          logger: shadowLog,
          routes: plan.groups,
        });
        await shadowApp.ready();
        side = replayingSide(shadowApp, limits);
      }
      // #endregion guide:shadow-side

      const tickets = new WeakMap<FastifyRequest, Ticket>();
      const inFlight = new Set<Promise<void>>();
      let pending = 0;
      let closing = false;

      function logSummary(final: boolean): void {
        const summary: ShadowSnapshot & { run: string; final: boolean } = {
          run,
          final,
          ...counters.snapshot(),
        };
        app.log.info({ shadowSummary: summary }, 'shadow summary');
      }

      async function compare(job: ShadowJob): Promise<void> {
        const { key } = job.route;
        const outcome = await side.run(job);
        const url = redactUrl(job.url);
        if (outcome.kind === 'match') {
          counters.count(key, 'matches');
        } else if (outcome.kind === 'error') {
          counters.count(key, 'errors');
          app.log.warn(
            {
              shadowError: {
                run,
                route: key,
                requestId: job.requestId,
                url,
                reason: outcome.reason,
              },
            },
            'shadow error',
          );
        } else {
          counters.count(key, 'mismatches');
          app.log.warn(
            {
              shadowMismatch: {
                run,
                route: key,
                requestId: job.requestId,
                url,
                diff: outcome.diff,
                more: outcome.more,
              },
            },
            'shadow mismatch',
          );
        }
      }

      function dispatch(ticket: Ticket, express: Answer, requestId: string): void {
        const { key } = ticket.route;
        // Past the bound, or shutting down, or an Express answer kept no body: not run, counted.
        if (closing || ticket.unusable || pending >= config.SHADOW_MAX_PENDING) {
          counters.count(key, 'dropped');
          return;
        }
        pending += 1;
        const job: ShadowJob = {
          route: ticket.route,
          url: ticket.url,
          headers: ticket.headers,
          remoteAddress: ticket.remoteAddress,
          requestId,
          express,
        };
        const work = compare(job)
          .catch((error: unknown) => {
            counters.count(key, 'errors');
            app.log.error({ err: error, route: key }, 'shadow comparison failed');
          })
          .finally(() => {
            pending -= 1;
            inFlight.delete(work);
          });
        inFlight.add(work);
      }

      // #region guide:shadow-hooks
      app.addHook('onRequest', (request, _reply, done) => {
        const { method, url = '/' } = request.raw;
        if (!closing && (method === 'GET' || method === 'HEAD')) {
          const q = url.indexOf('?');
          let found: ReturnType<typeof router.find> = null;
          try {
            found = router.find(method, q === -1 ? url : url.slice(0, q));
          } catch {
            // A path the router cannot decode is Fastify's 400; nothing to compare.
          }
          const sampled = Math.random() < config.SHADOW_SAMPLE_RATE;
          if (found && sampled) {
            tickets.set(request, {
              route: found.store as ShadowRoute,
              url,
              headers: { ...request.headers },
              remoteAddress: request.raw.socket?.remoteAddress,
            });
          }
        }
        done();
      });

      // Express's res.json() reaches Fastify's reply.send(), so its body passes through here.
      app.addHook('onSend', (request, _reply, payload, done) => {
        const ticket = tickets.get(request);
        if (ticket) {
          const text =
            typeof payload === 'string'
              ? payload
              : Buffer.isBuffer(payload)
                ? payload.toString('utf8')
                : payload === null || payload === undefined
                  ? ''
                  : undefined;
          if (text === undefined) ticket.unusable = 'not-text';
          else if (Buffer.byteLength(text) > config.SHADOW_MAX_BODY_BYTES) {
            ticket.unusable = 'too-large';
          } else ticket.body = text;
        }
        done(null, payload);
      });

      // The client has its whole answer: only now does the shadow start, on a later turn.
      app.addHook('onResponse', (request, reply, done) => {
        done();
        const ticket = tickets.get(request);
        if (!ticket) return;
        tickets.delete(request);
        const express: Answer = {
          status: reply.statusCode,
          headers: reply.getHeaders(),
          body: ticket.route.method === 'HEAD' ? undefined : ticket.body,
        };
        if (ticket.route.method !== 'HEAD' && ticket.body === undefined)
          ticket.unusable ??= 'not-text';
        // The client went away before the whole answer was written: nothing whole to compare.
        if (!reply.raw.writableFinished) ticket.unusable ??= 'not-sent';
        const requestId = request.id;
        setImmediate(() => dispatch(ticket, express, requestId));
      });
      // #endregion guide:shadow-hooks

      const summaries = setInterval(() => logSummary(false), config.SHADOW_SUMMARY_INTERVAL_MS);
      summaries.unref();

      async function settled(): Promise<void> {
        // setImmediate: a response sent just now has its dispatch still to come.
        await new Promise((resolve) => setImmediate(resolve));
        while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      }
      app.decorate('shadow', { counters, settled, ready: () => sideReady });

      app.addHook('preClose', (done) => {
        closing = true;
        done();
      });
      app.addHook('onClose', async () => {
        clearInterval(summaries);
        // Each shadow request ends within SHADOW_TIMEOUT_MS, so this wait is bounded.
        await settled();
        logSummary(true);
        stopRelay();
        await side.close();
      });
    },
    { name: 'shadow', fastify: '5.x', dependencies: ['config', 'services'] },
  );
}
