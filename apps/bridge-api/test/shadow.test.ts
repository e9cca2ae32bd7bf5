// Shadow traffic (docs/migration-guide.md#prove-a-group): the bridge answers a read of a shadowed
// group from Express, then runs it through Fastify's routes of that group and compares. Each
// test starts a bridge on one shared PGlite with conversations and bots on Express, and reads
// the shadow's counters and log lines; a test double of the Fastify side, built through the
// test-only `shadow.build` option, plants a difference, a failure or a wait where one is needed.
import { readdirSync, readFileSync } from 'node:fs';
import { openDatabase, type Database } from '@switchyard/persistence';
import type { RouteGroup } from '@switchyard/api-spec';
import { buildApp, serve, type BuildAppOptions, type RunningServer } from '@switchyard/fastify-api';
import { ConfigError } from '@switchyard/runtime';
import { contractConfig, startUpstream, type RunningUpstream } from '@switchyard/testing';
import type { FastifyInstance, RouteHandlerMethod } from 'fastify';
import type { RequestHandler } from 'express';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBridge, type BuildBridgeOptions, type RouteCounts } from '../src/index.js';

/** Fastify serves only what has no state; bots and conversations are Express's, so shadowable. */
const MOVED: readonly RouteGroup[] = ['health', 'docs'];
const ZERO: RouteCounts = { matches: 0, mismatches: 0, dropped: 0, errors: 0 };

let upstream: RunningUpstream;
let db: Database;
beforeAll(async () => {
  upstream = await startUpstream();
  db = await openDatabase();
});
afterAll(async () => {
  await db?.close();
  await upstream?.close();
});

interface Bridge {
  readonly server: RunningServer;
  readonly auth: { authorization: string };
  readonly token: string;
  /** Every log line the bridge wrote so far, parsed. */
  lines(): Record<string, unknown>[];
  /** The raw text of the log, to search for what must never be in it. */
  log(): string;
  /** Waits for the shadow's work, then its counters per route. */
  counts(): Promise<Record<string, RouteCounts>>;
  close(): Promise<void>;
}

let users = 0;

/** The bridge with SHADOW_GROUPS=bots,conversations (or `env`), listening, and a signed-in user. */
async function startBridge(
  env: Record<string, string> = {},
  options: Pick<BuildBridgeOptions, 'shadow' | 'expressExtras'> & { db?: Database } = {},
): Promise<Bridge> {
  const config = contractConfig(upstream, { SHADOW_GROUPS: 'bots,conversations', ...env });
  const raw: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void raw.push(line) });
  const server = await serve(
    buildBridge({ config, logger, moved: MOVED, ...options, db: options.db ?? db }),
    config,
  );
  const credentials = {
    username: `shadow-${Date.now()}-${++users}`,
    password: 'correct horse battery',
  };
  await request(server.url).post('/v1/accounts').send(credentials).expect(201);
  const session = await request(server.url).post('/v1/sessions').send(credentials).expect(201);
  const token = (session.body as { token: string }).token;
  return {
    server,
    token,
    auth: { authorization: `Bearer ${token}` },
    lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>),
    log: () => raw.join(''),
    async counts() {
      await server.app.shadow!.settled();
      return server.app.shadow!.counters.snapshot().routes;
    },
    close: () => server.close(),
  };
}

/** Log lines with this message, parsed. */
function linesOf(bridge: Bridge, msg: string): Record<string, unknown>[] {
  return bridge.lines().filter((line) => line['msg'] === msg);
}

/** The Fastify side built by buildApp, with `extra` registered on it before it is ready. */
function fastifySide(
  extra: (app: FastifyInstance) => void,
  routes?: (groups: readonly RouteGroup[]) => readonly RouteGroup[],
): (options: BuildAppOptions) => FastifyInstance {
  return (options) => {
    const app = buildApp({ ...options, routes: routes?.(options.routes ?? []) ?? options.routes });
    extra(app);
    return app;
  };
}

/** The Fastify side with GET /v1/bots replaced by `handler` (the rest of bots is not needed). */
function withBotList(handler: RouteHandlerMethod) {
  return fastifySide(
    (app) => {
      app.get('/v1/bots', handler);
    },
    (groups) => groups.filter((group) => group !== 'bots'),
  );
}

/** Sends a message to the echo bot, which opens a conversation; answers its id. */
async function converse(bridge: Bridge): Promise<string> {
  const sent = await request(bridge.server.url)
    .post('/v1/bots/echo/messages')
    .set(bridge.auth)
    .send({ text: 'hello' })
    .expect(201);
  return (sent.body as { conversationId: string }).conversationId;
}

describe('shadowing the reads of bots and conversations', () => {
  let bridge: Bridge;
  beforeAll(async () => {
    bridge = await startBridge();
  });
  afterAll(async () => bridge?.close());

  it('counts a match for each read on the real routes, errors and HEAD included', async () => {
    const id = await converse(bridge);
    const url = bridge.server.url;
    await request(url).get('/v1/bots').set(bridge.auth).expect(200);
    await request(url).head('/v1/bots').set(bridge.auth).expect(200);
    await request(url).get('/v1/bots').expect(401);
    await request(url).get('/v1/conversations?limit=1').set(bridge.auth).expect(200);
    await request(url).get('/v1/conversations?limit=0').set(bridge.auth).expect(400);
    await request(url).get(`/v1/conversations/${id}/messages`).set(bridge.auth).expect(200);
    await request(url)
      .get('/v1/conversations/00000000-0000-4000-8000-000000000000/messages')
      .set(bridge.auth)
      .expect(404);

    expect(await bridge.counts()).toEqual({
      'GET /v1/bots': { ...ZERO, matches: 2 },
      'HEAD /v1/bots': { ...ZERO, matches: 1 },
      'GET /v1/conversations': { ...ZERO, matches: 2 },
      'HEAD /v1/conversations': ZERO,
      'GET /v1/conversations/:id/messages': { ...ZERO, matches: 2 },
      'HEAD /v1/conversations/:id/messages': ZERO,
    });
    expect(linesOf(bridge, 'shadow mismatch')).toEqual([]);
  });

  it('shadows nothing of a group it was not asked to, nor an unknown path', async () => {
    const before = await bridge.counts();
    await request(bridge.server.url).get('/health').expect(200);
    await request(bridge.server.url).get('/v1/proxy/httpbin/get').set(bridge.auth).expect(200);
    await request(bridge.server.url).get('/v1/nothing-here').set(bridge.auth).expect(404);
    expect(await bridge.counts()).toEqual(before);
  });
});

describe('the shadow side', () => {
  it('sends the database nothing but SELECTs for the shadowed reads', async () => {
    let statements: string[] = [];
    // The bridge's database, recording each statement: the shadow side runs the bridge's
    // services, so its reads go through it too.
    const recording = (inner: Database): Database =>
      new Proxy(inner, {
        get(target, key, receiver) {
          if (key === 'query') {
            return (text: string | { text: string }, ...rest: unknown[]) => {
              statements.push(typeof text === 'string' ? text : text.text);
              return (target.query as (...args: unknown[]) => unknown)(text, ...rest);
            };
          }
          if (key === 'transaction') throw new Error('a read opened a transaction');
          return Reflect.get(target, key, receiver) as unknown;
        },
      });
    const bridge = await startBridge({}, { db: recording(db) });
    try {
      const id = await converse(bridge);
      // From here on, reads only: Express's answers and the shadow's second runs.
      statements = [];
      for (const path of ['/v1/bots', '/v1/conversations', `/v1/conversations/${id}/messages`]) {
        await request(bridge.server.url).get(path).set(bridge.auth).expect(200);
      }
      const counts = await bridge.counts();
      expect(counts['GET /v1/conversations']?.matches).toBe(1);
      expect(counts['GET /v1/conversations/:id/messages']?.matches).toBe(1);
      // The two conversation reads, each by Express and again by the shadow (the sessions are
      // in the shared cache by now).
      expect(statements.length).toBeGreaterThanOrEqual(4);
      for (const sql of statements) expect(sql.trim()).toMatch(/^(SELECT|WITH)\b/i);
      expect(statements.join('\n')).not.toMatch(/\b(INSERT|UPDATE|DELETE)\b/i);
    } finally {
      await bridge.close();
    }
  });
});

describe('a planted difference: the Fastify bot list renames name to title', () => {
  let bridge: Bridge;
  beforeAll(async () => {
    bridge = await startBridge(
      {},
      {
        shadow: {
          build: withBotList(async () => ({
            bots: [{ id: 'echo', title: 'Echo', description: 'Repeats what you say; no I/O.' }],
          })),
        },
      },
    );
  });
  afterAll(async () => bridge?.close());

  it('answers the client from Express, and reports the mismatch with its diff', async () => {
    const res = await request(bridge.server.url).get('/v1/bots').set(bridge.auth).expect(200);
    expect(res.body).toMatchObject({
      bots: expect.arrayContaining([expect.objectContaining({ name: 'Echo' })]),
    });

    expect((await bridge.counts())['GET /v1/bots']).toEqual({ ...ZERO, mismatches: 1 });
    const [line, ...more] = linesOf(bridge, 'shadow mismatch');
    expect(more).toEqual([]);
    const mismatch = line!['shadowMismatch'] as {
      route: string;
      requestId: string;
      diff: unknown[];
    };
    expect(mismatch.route).toBe('GET /v1/bots');
    expect(mismatch.requestId).toBe(res.headers['x-request-id']);
    expect(mismatch.diff).toEqual(
      expect.arrayContaining([
        { path: 'body.bots[0].name', express: 'Echo' },
        { path: 'body.bots[0].title', fastify: 'Echo' },
      ]),
    );
    // Express lists every bot, the double one: the others are missing on the Fastify side.
    expect(mismatch.diff).toContainEqual(
      expect.objectContaining({
        path: 'body.bots[1]',
        express: expect.objectContaining({ id: 'model' }),
      }),
    );
    expect(line!['level']).toBe(40);
  });
});

describe('unsafe methods', () => {
  it('are never run on the Fastify side: a message is stored once', async () => {
    const seen: string[] = [];
    const bridge = await startBridge(
      {},
      {
        shadow: {
          build: fastifySide((app) => {
            app.addHook('onRequest', async (req) => void seen.push(`${req.method} ${req.url}`));
          }),
        },
      },
    );
    try {
      const id = await converse(bridge);
      await request(bridge.server.url)
        .post('/v1/bots/echo/messages')
        .set(bridge.auth)
        .send({ text: 'again', conversationId: id })
        .expect(201);
      const page = await request(bridge.server.url)
        .get(`/v1/conversations/${id}/messages`)
        .set(bridge.auth)
        .expect(200);

      await request(bridge.server.url).delete('/v1/sessions/current').set(bridge.auth).expect(204);

      // Two posts, two messages each: nothing ran twice.
      expect((page.body as { messages: unknown[] }).messages).toHaveLength(4);
      await bridge.counts();
      expect(seen).toEqual([`GET /v1/conversations/${id}/messages`]);
    } finally {
      await bridge.close();
    }
  });
});

describe('SHADOW_SAMPLE_RATE', () => {
  it('at 0 shadows nothing', async () => {
    let reached = 0;
    const bridge = await startBridge(
      { SHADOW_SAMPLE_RATE: '0' },
      {
        shadow: {
          build: fastifySide((app) => app.addHook('onRequest', async () => void reached++)),
        },
      },
    );
    try {
      for (let i = 0; i < 10; i++) {
        await request(bridge.server.url).get('/v1/bots').set(bridge.auth).expect(200);
      }
      expect(Object.values(await bridge.counts())).toEqual(Array(6).fill(ZERO));
      expect(reached).toBe(0);
    } finally {
      await bridge.close();
    }
  });
});

describe('SHADOW_MAX_PENDING', () => {
  it('drops and counts what comes past the bound, and the client is answered throughout', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reached = 0;
    const bridge = await startBridge(
      { SHADOW_MAX_PENDING: '2', SHADOW_TIMEOUT_MS: '60000' },
      {
        shadow: {
          build: fastifySide((app) =>
            app.addHook('onRequest', async () => {
              reached++;
              await gate;
            }),
          ),
        },
      },
    );
    try {
      for (let i = 0; i < 6; i++) {
        const res = await request(bridge.server.url)
          .get('/v1/bots')
          .set(bridge.auth)
          .timeout(5_000);
        expect(res.status).toBe(200);
      }
      // Let the dispatches of the last responses run before opening the gate.
      await new Promise((resolve) => setImmediate(resolve));
      expect(reached).toBe(2);
      release();
      expect((await bridge.counts())['GET /v1/bots']).toEqual({ ...ZERO, matches: 2, dropped: 4 });
    } finally {
      release();
      await bridge.close();
    }
  });
});

describe('SHADOW_MAX_BODY_BYTES', () => {
  it('drops an Express answer longer than the bound, and counts a longer Fastify one as an error', async () => {
    // Express answers GET /v1/bots?padded with a body over the bound.
    const padded: RequestHandler = (req, res, next) => {
      if (req.path !== '/v1/bots' || !('padded' in req.query)) return next();
      res.json({ bots: [], padding: 'x'.repeat(2_000) });
    };
    const bridge = await startBridge(
      { SHADOW_MAX_BODY_BYTES: '1024' },
      {
        expressExtras: { before: [padded] },
        shadow: {
          build: withBotList(async () => ({ bots: [], padding: 'y'.repeat(2_000) })),
        },
      },
    );
    try {
      await request(bridge.server.url).get('/v1/bots?padded').set(bridge.auth).expect(200);
      expect((await bridge.counts())['GET /v1/bots']).toEqual({ ...ZERO, dropped: 1 });
      await request(bridge.server.url).get('/v1/bots').set(bridge.auth).expect(200);
      expect((await bridge.counts())['GET /v1/bots']).toEqual({ ...ZERO, dropped: 1, errors: 1 });
      const [error] = linesOf(bridge, 'shadow error');
      expect((error!['shadowError'] as { reason: string }).reason).toBe(
        'the Fastify answer is longer than 1024 bytes',
      );
    } finally {
      await bridge.close();
    }
  });
});

describe('a failure on the shadow side never reaches the client', () => {
  it('a throwing Fastify route: the client has the Express answer, the shadow a 500 mismatch', async () => {
    const bridge = await startBridge(
      {},
      {
        shadow: {
          build: withBotList(async () => {
            throw new Error('planted failure');
          }),
        },
      },
    );
    try {
      const res = await request(bridge.server.url).get('/v1/bots').set(bridge.auth);
      expect(res.status).toBe(200);
      expect((res.body as { bots: unknown[] }).bots.length).toBeGreaterThan(0);
      expect((await bridge.counts())['GET /v1/bots']).toEqual({ ...ZERO, mismatches: 1 });
      const mismatch = linesOf(bridge, 'shadow mismatch')[0]!['shadowMismatch'] as {
        diff: unknown[];
      };
      expect(mismatch.diff[0]).toEqual({ path: 'status', express: 200, fastify: 500 });
    } finally {
      await bridge.close();
    }
  });

  it('a Fastify route that never answers: aborted at SHADOW_TIMEOUT_MS, counted as an error, its slot freed', async () => {
    let calls = 0;
    const bridge = await startBridge(
      { SHADOW_TIMEOUT_MS: '200', SHADOW_MAX_PENDING: '1' },
      {
        shadow: {
          build: fastifySide((app) =>
            app.addHook('onRequest', async () => {
              // The first request hangs; the next ones go through.
              if (++calls === 1) await new Promise(() => undefined);
            }),
          ),
        },
      },
    );
    try {
      const first = await request(bridge.server.url).get('/v1/bots').set(bridge.auth);
      expect(first.status).toBe(200);
      await bridge.counts();
      await request(bridge.server.url).get('/v1/bots').set(bridge.auth).expect(200);
      expect((await bridge.counts())['GET /v1/bots']).toEqual({ ...ZERO, errors: 1, matches: 1 });
      const [error] = linesOf(bridge, 'shadow error');
      expect((error!['shadowError'] as { reason: string }).reason).toBe(
        'no answer within SHADOW_TIMEOUT_MS (200 ms)',
      );
    } finally {
      await bridge.close();
    }
  });
});

describe('redaction', () => {
  it('keeps a token from a header and from a body out of the log, and says where the difference is', async () => {
    const bridge = await startBridge(
      {},
      {
        shadow: {
          build: withBotList(async (req, reply) => {
            const auth = req.headers.authorization ?? '';
            reply.header('www-authenticate', auth);
            return { bots: [], token: auth.slice('Bearer '.length), seen: `you sent ${auth}` };
          }),
        },
      },
    );
    try {
      await request(bridge.server.url)
        .get(`/v1/bots?access_token=${bridge.token}&x=${bridge.token}`)
        .set(bridge.auth)
        .expect(200);
      await bridge.counts();
      const [line] = linesOf(bridge, 'shadow mismatch');
      const mismatch = line!['shadowMismatch'] as { url: string; diff: { path: string }[] };
      expect(mismatch.diff.map((d) => d.path)).toEqual(
        expect.arrayContaining(['headers.www-authenticate', 'body.token', 'body.seen']),
      );
      expect(mismatch.diff).toContainEqual({ path: 'body.token', fastify: '[redacted]' });
      expect(mismatch.url).toBe('/v1/bots?access_token=%5Bredacted%5D&x=%5Bredacted%5D');
      expect(bridge.token.length).toBeGreaterThan(30);
      // The shadow's lines; the bridge's own access log, as before, shows the URL as sent.
      const shadowLines = bridge
        .log()
        .split('\n')
        .filter((l) => l.includes('"shadow'));
      expect(shadowLines.join('\n')).toContain('shadow mismatch');
      expect(shadowLines.join('\n')).not.toContain(bridge.token);
    } finally {
      await bridge.close();
    }
  });
});

describe('SHADOW_GROUPS at start-up', () => {
  const configWith = (groups: string) => contractConfig(upstream, { SHADOW_GROUPS: groups });

  it('refuses a group the bridge has moved', () => {
    expect(() =>
      buildBridge({ config: configWith('bots'), db, logger: false, moved: ['health', 'bots'] }),
    ).toThrow(
      new ConfigError(
        'Invalid configuration:\n  SHADOW_GROUPS: bots is moved: Fastify serves it already, so there is no Express answer to compare (apps/bridge-api/src/moved.ts)',
      ),
    );
  });

  it('refuses the groups whose reads cannot be run twice, each with its reason', () => {
    let message = '';
    try {
      buildBridge({
        config: configWith('proxy,stream,accounts,docs'),
        db,
        logger: false,
        moved: [],
      });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message.split('\n').slice(1)).toEqual([
      expect.stringMatching(/^ {2}SHADOW_GROUPS: proxy calls the upstream service a second time/),
      expect.stringMatching(/^ {2}SHADOW_GROUPS: stream is a WebSocket upgrade/),
      expect.stringMatching(/^ {2}SHADOW_GROUPS: accounts has no read-only route/),
      expect.stringMatching(/^ {2}SHADOW_GROUPS: docs is outside the route table/),
    ]);
  });

  it('starts with health, bots and conversations when Express serves them', async () => {
    const config = configWith('health,bots,conversations');
    const server = await serve(buildBridge({ config, db, logger: false, moved: [] }), config);
    try {
      await request(server.url).get('/health').expect(200);
      await server.app.shadow!.settled();
      expect(server.app.shadow!.counters.snapshot().routes['GET /health']).toEqual({
        ...ZERO,
        matches: 1,
      });
    } finally {
      await server.close();
    }
  });
});

describe('the summary line', () => {
  it('logs the counters once more at shutdown, for the report', async () => {
    const bridge = await startBridge();
    await request(bridge.server.url).get('/v1/bots').set(bridge.auth).expect(200);
    await bridge.counts();
    await bridge.close();
    const summaries = linesOf(bridge, 'shadow summary');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]!['shadowSummary']).toMatchObject({
      final: true,
      routes: { 'GET /v1/bots': { ...ZERO, matches: 1 } },
    });
  });
});

// SHADOW_THREAD=worker, the default: the tests above that plant a double with `shadow.build`
// run the side inline; these run it in its worker, the double from a module.
const WORKER_DOUBLE = new URL('./fixtures/shadow-side.ts', import.meta.url).href;

/** This process's threads' nice values, from /proc (Linux): field 19 of each task's stat. */
function threadNiceValues(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // The command name, in parentheses, may hold spaces: count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[16]);
  });
}

describe('the shadow worker', () => {
  it('reports a difference planted in the worker with its diff, through the bridge log', async () => {
    const bridge = await startBridge({}, { shadow: { buildModule: WORKER_DOUBLE } });
    try {
      const res = await request(bridge.server.url).get('/v1/bots').set(bridge.auth).expect(200);
      expect((await bridge.counts())['GET /v1/bots']).toEqual({ ...ZERO, mismatches: 1 });
      const [line, ...more] = linesOf(bridge, 'shadow mismatch');
      expect(more).toEqual([]);
      const mismatch = line!['shadowMismatch'] as { requestId: string; diff: unknown[] };
      expect(mismatch.requestId).toBe(res.headers['x-request-id']);
      expect(mismatch.diff).toEqual(
        expect.arrayContaining([
          { path: 'body.bots[0].name', express: 'Echo' },
          { path: 'body.bots[0].title', fastify: 'Echo' },
        ]),
      );
    } finally {
      await bridge.close();
    }
  });

  it('hears of a log-out through Express before the next read: its own cache agrees', async () => {
    const bridge = await startBridge();
    try {
      const url = bridge.server.url;
      // The worker's session cache now holds the session (its comparison is over)...
      await request(url).get('/v1/bots').set(bridge.auth).expect(200);
      await bridge.counts();
      await request(url).delete('/v1/sessions/current').set(bridge.auth).expect(204);
      // ...and forgets it before it runs this read: a 401 on both sides, not a 200 from a
      // stale cache.
      await request(url).get('/v1/bots').set(bridge.auth).expect(401);
      expect((await bridge.counts())['GET /v1/bots']).toEqual({ ...ZERO, matches: 2 });
      expect(linesOf(bridge, 'shadow mismatch')).toEqual([]);
    } finally {
      await bridge.close();
    }
  });

  // Runs everywhere: on Linux the thread's nice value is read from /proc; elsewhere the worker
  // cannot lower it, and the test sees the bridge say so instead.
  it('runs at SHADOW_WORKER_NICE, or says why it cannot', async () => {
    const linux = process.platform === 'linux';
    const niced = () => (linux ? threadNiceValues().filter((nice) => nice === 7).length : 0);
    const before = niced();
    const bridge = await startBridge(
      { SHADOW_WORKER_NICE: '7' },
      { shadow: { buildModule: WORKER_DOUBLE } },
    );
    try {
      await bridge.server.app.shadow!.ready();
      const refused = linesOf(bridge, 'shadow worker runs at the bridge priority');
      if (linux) {
        expect(niced()).toBe(before + 1);
        expect(refused).toEqual([]);
      } else {
        expect(refused).toHaveLength(1);
      }
    } finally {
      await bridge.close();
    }
    expect(niced()).toBe(before);
  });

  it('stops: the client keeps its answer, the request counts as an error, a new worker takes over', async () => {
    const bridge = await startBridge({}, { shadow: { buildModule: WORKER_DOUBLE } });
    try {
      const url = bridge.server.url;
      await request(url).get('/v1/bots').set(bridge.auth).set('x-test-exit', '1').expect(200);
      expect((await bridge.counts())['GET /v1/bots']).toEqual({ ...ZERO, errors: 1 });
      expect(linesOf(bridge, 'shadow worker stopped')).toEqual([
        expect.objectContaining({ shadowWorker: { exitCode: 3 } }),
      ]);
      expect(linesOf(bridge, 'shadow error')[0]).toMatchObject({
        shadowError: { reason: 'the shadow worker stopped (exit code 3)' },
      });
      // Not restarted within a second of the last start: counted, not run.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      await request(url).get('/v1/bots').set(bridge.auth).expect(200);
      expect((await bridge.counts())['GET /v1/bots']).toEqual({
        ...ZERO,
        errors: 1,
        mismatches: 1,
      });
    } finally {
      await bridge.close();
    }
  });

  it('fails to start: the bridge serves all the same, and its reads count as shadow errors', async () => {
    const missing = new URL('./fixtures/no-such-side.ts', import.meta.url).href;
    const bridge = await startBridge({}, { shadow: { buildModule: missing } });
    try {
      await request(bridge.server.url).get('/v1/bots').set(bridge.auth).expect(200);
      await bridge.server.app.shadow!.ready();
      expect((await bridge.counts())['GET /v1/bots']).toEqual({ ...ZERO, errors: 1 });
      expect(linesOf(bridge, 'shadow worker did not start')).toHaveLength(1);
    } finally {
      await bridge.close();
    }
  });

  it('outgrows SHADOW_WORKER_MAX_HEAP_MB: stopped at the bound, counted, the client unharmed', async () => {
    const bridge = await startBridge(
      { SHADOW_WORKER_MAX_HEAP_MB: '128' },
      { shadow: { buildModule: WORKER_DOUBLE } },
    );
    try {
      const url = bridge.server.url;
      await request(url).get('/v1/bots').set(bridge.auth).set('x-test-allocate', '1').expect(200);
      expect((await bridge.counts())['GET /v1/bots']).toEqual({ ...ZERO, errors: 1 });
      expect(linesOf(bridge, 'shadow worker failed')).toEqual([
        expect.objectContaining({
          err: expect.objectContaining({ code: 'ERR_WORKER_OUT_OF_MEMORY' }),
        }),
      ]);
      await request(url).get('/health').expect(200);
    } finally {
      await bridge.close();
    }
  });
});
