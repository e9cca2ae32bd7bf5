// Shadow traffic (issue 17, docs/migration-guide.md#prove-a-group): the bridge answers a read
// of a shadowed group from Express, then, once the client has its answer, runs the same request
// through Fastify's routes of that group and compares the two answers.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Database } from '@switchyard/persistence';
import { buildApp, type BuildAppOptions } from '@switchyard/fastify-api';
import type { Config } from '@switchyard/runtime';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import FindMyWay from 'find-my-way';
import { compareAnswers, type Answer } from './compare.js';
import { ShadowCounters, type ShadowSnapshot } from './counters.js';
import type { ShadowPlan, ShadowRoute } from './plan.js';
import { redactUrl } from './redact.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Set when SHADOW_GROUPS names a group: the shadow's counters and a wait for its work. */
    readonly shadow?: Shadow;
  }
}

export interface Shadow {
  readonly counters: ShadowCounters;
  /** Resolves once every shadow request started so far has been compared (or given up). */
  settled(): Promise<void>;
}

export interface ShadowOptions {
  /**
   * Builds the Fastify side from the options the bridge gives it: fastify-api's buildApp with
   * the shadowed groups and no Express. Tests plant a double of a route here; never in production.
   */
  readonly build?: (options: BuildAppOptions) => FastifyInstance;
}

/** The log line per mismatch quotes this many differences at most, and counts the rest. */
export const MAX_LOGGED_DIFFERENCES = 20;

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

/** Request headers that belong to the client's connection or body, not to the request. */
const NOT_FORWARDED = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'upgrade',
  'expect',
  'content-length',
];

class ShadowTimeout extends Error {
  override readonly name = 'ShadowTimeout';
}

class ShadowBodyTooLarge extends Error {
  override readonly name = 'ShadowBodyTooLarge';
}

/** The shadow side's log level: warn, or the bridge's own when that is quieter. */
function shadowLogger(log: FastifyBaseLogger): FastifyBaseLogger {
  const values = (log as { levels?: { values: Record<string, number> } }).levels?.values;
  const level = values && (values[log.level] ?? 0) > (values['warn'] ?? 40) ? log.level : 'warn';
  return log.child({ shadow: true }, { level });
}

/** Reads an injected response's body, giving up past `max` bytes. */
async function readCapped(stream: Readable, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > max) {
      stream.destroy();
      throw new ShadowBodyTooLarge(`the Fastify answer is longer than ${max} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
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

      // #region guide:shadow-side
      // The bridge's own services, those Express's routes use: one session cache (a log-out
      // through Express is seen by the shadow at once, and a shadowed read finds the session
      // the client's request just looked up, with no second database round trip), one
      // database. No Redis: the shadowed reads are not rate-limited.
      const shadowApp = (options.build ?? buildApp)({
        config: { ...config, REDIS_URL: undefined },
        db,
        services: app.services,
        logger: shadowLogger(app.log),
        routes: plan.groups,
      });
      // #endregion guide:shadow-side
      await shadowApp.ready();

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

      // #region guide:shadow-replay
      /** Runs the request through the Fastify side: at most SHADOW_TIMEOUT_MS, the body capped. */
      async function replay(ticket: Ticket, requestId: string): Promise<Answer> {
        const controller = new AbortController();
        const timedOut = new Promise<never>((_resolve, reject) => {
          controller.signal.addEventListener('abort', () => reject(new ShadowTimeout()), {
            once: true,
          });
        });
        timedOut.catch(() => undefined);
        const timer = setTimeout(() => controller.abort(), config.SHADOW_TIMEOUT_MS);
        try {
          const headers: Record<string, string | string[]> = {};
          for (const [name, value] of Object.entries(ticket.headers)) {
            if (value !== undefined && !NOT_FORWARDED.includes(name)) headers[name] = value;
          }
          // The client's request id: the Fastify side's log lines carry the same one.
          headers['x-request-id'] = requestId;
          const injected = shadowApp.inject({
            method: ticket.route.method,
            url: ticket.url,
            headers,
            ...(ticket.remoteAddress ? { remoteAddress: ticket.remoteAddress } : {}),
            signal: controller.signal,
            payloadAsStream: true,
          });
          const res = await Promise.race([injected, timedOut]);
          const body = await Promise.race([
            readCapped(res.stream(), config.SHADOW_MAX_BODY_BYTES),
            timedOut,
          ]);
          return {
            status: res.statusCode,
            headers: res.headers,
            body: ticket.route.method === 'HEAD' ? undefined : body,
          };
        } finally {
          clearTimeout(timer);
        }
      }
      // #endregion guide:shadow-replay

      async function compare(ticket: Ticket, express: Answer, requestId: string): Promise<void> {
        const { key } = ticket.route;
        let fastify: Answer;
        try {
          fastify = await replay(ticket, requestId);
        } catch (error) {
          counters.count(key, 'errors');
          const reason =
            error instanceof ShadowTimeout
              ? `no answer within SHADOW_TIMEOUT_MS (${config.SHADOW_TIMEOUT_MS} ms)`
              : error instanceof Error
                ? error.message
                : String(error);
          app.log.warn(
            { shadowError: { run, route: key, requestId, url: redactUrl(ticket.url), reason } },
            'shadow error',
          );
          return;
        }
        const differences = compareAnswers(express, fastify);
        if (differences.length === 0) {
          counters.count(key, 'matches');
          return;
        }
        counters.count(key, 'mismatches');
        app.log.warn(
          {
            shadowMismatch: {
              run,
              route: key,
              requestId,
              url: redactUrl(ticket.url),
              diff: differences.slice(0, MAX_LOGGED_DIFFERENCES),
              more: Math.max(0, differences.length - MAX_LOGGED_DIFFERENCES),
            },
          },
          'shadow mismatch',
        );
      }

      function dispatch(ticket: Ticket, express: Answer, requestId: string): void {
        const { key } = ticket.route;
        // Past the bound, or shutting down, or an Express answer kept no body: not run, counted.
        if (closing || ticket.unusable || pending >= config.SHADOW_MAX_PENDING) {
          counters.count(key, 'dropped');
          return;
        }
        pending += 1;
        const work = compare(ticket, express, requestId)
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
      app.decorate('shadow', { counters, settled });

      app.addHook('preClose', (done) => {
        closing = true;
        done();
      });
      app.addHook('onClose', async () => {
        clearInterval(summaries);
        // Each shadow request ends within SHADOW_TIMEOUT_MS, so this wait is bounded.
        await settled();
        logSummary(true);
        await shadowApp.close();
      });
    },
    { name: 'shadow', fastify: '5.x', dependencies: ['config', 'services'] },
  );
}
