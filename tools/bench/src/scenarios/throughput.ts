// Scenario 3: throughput at 100 connections, with bare node:http, Fastify and Express
// hello-worlds in the same run as the ceilings, and each framework replaying its app's own
// response bytes.
import { readFile } from 'node:fs/promises';
import { scenarioTitles } from '../lib/titles.js';
import {
  table,
  warmup,
  type Context,
  type Options,
  type Scenario,
  type Section,
  type Target,
} from '../lib/context.js';
import { IDLE_SETTLE_MS, type AppSpec, type FleetApp } from '../lib/fleet.js';
import { CLIENT_SATURATED, LoadGenerator, type LoadJob, type LoadResult } from '../lib/load.js';
import { spawnProc, type Proc } from '../lib/processes.js';
import {
  clientFor,
  loadClient,
  wrkInstalled,
  type ClientName,
  type LoadClient,
} from '../lib/wrk.js';
import type { ProbeReading } from '../lib/probe-reading.js';
import { step } from '../lib/progress.js';
import { fmt, fmtSummary, summarize, type Summary } from '../lib/stats.js';
import { barChart } from '../lib/svg.js';

const CONNECTIONS = 100;
const SHORT: Record<string, string> = {
  'light-postgres': 'GET /v1/bots, PostgreSQL',
  'write-pglite': 'DB write, PGlite',
  'write-postgres': 'DB write, PostgreSQL',
  proxy: 'proxy, 100 ms upstream',
};
const SLOW_MS = 100;

interface Contender {
  readonly name: string;
  readonly proc: Proc;
  readonly job: Omit<LoadJob, 'connections' | 'durationS'>;
}

interface Variant {
  readonly id: string;
  readonly title: string;
  readonly contenders: readonly Contender[];
}

interface Figures {
  readonly rps: Summary;
  readonly p50: Summary;
  readonly p99: Summary;
  readonly rssMb: Summary;
  readonly clientCpu: Summary;
  readonly failures: number;
}

async function measure(
  variant: Variant,
  gen: LoadClient,
  rounds: number,
  durationS: number,
  options: Options,
): Promise<Map<string, Figures>> {
  const runs = new Map<string, Array<{ load: LoadResult; probe: ProbeReading }>>();
  for (const c of variant.contenders) {
    // Warm-up (JIT, pools), not counted.
    await gen.run({ ...c.job, connections: CONNECTIONS, ...warmup(options) });
    runs.set(c.name, []);
  }
  for (let r = 0; r < rounds; r++) {
    for (const c of variant.contenders) {
      await c.proc.probe('reset');
      const load = await gen.run({ ...c.job, connections: CONNECTIONS, durationS });
      runs.get(c.name)!.push({ load, probe: await c.proc.probe('read') });
    }
  }
  const out = new Map<string, Figures>();
  for (const [name, list] of runs) {
    out.set(name, {
      rps: summarize(list.map((x) => x.load.rps)),
      p50: summarize(list.map((x) => x.load.p50)),
      p99: summarize(list.map((x) => x.load.p99)),
      rssMb: summarize(list.map((x) => x.probe.peakRss / 2 ** 20)),
      clientCpu: summarize(list.map((x) => x.load.clientCpu)),
      failures: list.reduce((n, x) => n + x.load.non2xx + x.load.errors, 0),
    });
  }
  return out;
}

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

const PGLITE: readonly AppSpec[] = [{ kind: 'express-api' }, { kind: 'fastify-api' }];
const POSTGRES: readonly AppSpec[] = [
  { kind: 'express-api', database: 'postgres' },
  { kind: 'fastify-api', database: 'postgres' },
];
/** The PostgreSQL variants are in full runs only: two more apps and four more runs. */
const withPostgres = (context: Pick<Context, 'options' | 'postgresUrl'>) =>
  context.postgresUrl !== undefined && context.options.mode === 'full';

const bots = (app: FleetApp) => ({ url: `${app.url}/v1/bots`, headers: auth(app.user.token) });

/**
 * The light route's client: wrk when it is installed, since autocannon is the limit against the
 * bare servers (it used 0.85–0.96 of a core there), unless `--client throughput=…` says otherwise.
 * The PostgreSQL light route uses the same client, so that its ratios to the ceilings hold.
 */
const lightClientName = (options: Options): ClientName =>
  clientFor(options.clients, 'throughput', wrkInstalled() ? 'wrk' : 'autocannon');

/** The bare servers of the light route, and the framework each app is measured against. */
const BARE = { fastify: 'bare Fastify', express: 'bare Express 5' } as const;
/** Each framework answering with its app's bytes (ceilings/replay.mjs). */
const REPLAY = {
  fastify: "bare Fastify, the app's bytes",
  express: "bare Express 5, the app's bytes",
} as const;
const frameworkOf = (contender: string): keyof typeof BARE | undefined =>
  contender.includes('Express') ? 'express' : contender.includes('Fastify') ? 'fastify' : undefined;

/** One response of the app on the light route, for the replaying ceiling to send. */
async function replyOf(app: FleetApp) {
  const res = await fetch(`${app.url}/v1/bots`, { headers: auth(app.user.token) });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET /v1/bots answered ${res.status}: ${body}`);
  return JSON.stringify({ status: res.status, headers: Object.fromEntries(res.headers), body });
}

/** Scenario 6's control pair, measured on the light route beside the apps when it runs. */
export const CONTROLS: ReadonlyArray<{ readonly name: string; readonly spec: AppSpec }> = [
  { name: 'Express control', spec: { kind: 'control-express' } },
  { name: 'Fastify control', spec: { kind: 'control-fastify' } },
];

const lightRuns = new WeakMap<
  Context,
  Promise<{ variant: Variant; figures: Map<string, Figures> }>
>();

/**
 * The light route (GET /v1/bots) for the ceilings, the apps and, when scenario 6 is in the run,
 * its control pair: measured once, interleaved, and shared by scenarios 3 and 6.
 */
export function lightRoute(context: Context) {
  let run = lightRuns.get(context);
  if (!run) {
    run = measureLightRoute(context);
    lightRuns.set(context, run);
  }
  return run;
}

async function measureLightRoute(context: Context) {
  const { only, rounds, durationS } = context.options;
  const withControls = !only.length || only.includes('attribution');
  const [express, fastify, ...controls] = await Promise.all(
    [...PGLITE, ...(withControls ? CONTROLS.map((c) => c.spec) : [])].map((s) =>
      context.fleet.get(s),
    ),
  );
  const ceilings = await step(
    "  start the bare node:http, Fastify and Express hello-worlds, and the replays of the apps' bytes",
    async () => {
      const [fastifyReply, expressReply] = await Promise.all([
        replyOf(fastify!),
        replyOf(express!),
      ]);
      return Promise.all([
        spawnProc('node:http', 'tools/bench/src/ceilings/node-http.mjs', {}, '/'),
        spawnProc(BARE.fastify, 'tools/bench/src/ceilings/fastify-hello.mjs', {}, '/'),
        spawnProc(BARE.express, 'tools/bench/src/ceilings/express-hello.mjs', {}, '/'),
        spawnProc(REPLAY.fastify, 'tools/bench/src/ceilings/replay.mjs', {
          BENCH_FRAMEWORK: 'fastify',
          BENCH_REPLY: fastifyReply,
        }),
        spawnProc(REPLAY.express, 'tools/bench/src/ceilings/replay.mjs', {
          BENCH_FRAMEWORK: 'express',
          BENCH_REPLY: expressReply,
        }),
      ]);
    },
  );
  const gen = loadClient(lightClientName(context.options));
  try {
    const [nodeHttp, bareFastify, bareExpress, fastifyBytes, expressBytes] = ceilings as [
      Proc,
      Proc,
      Proc,
      Proc,
      Proc,
    ];
    const variant: Variant = {
      id: 'light',
      title: 'Light route: GET /v1/bots (authenticated, the session from the in-process cache)',
      contenders: [
        { name: 'bare node:http', proc: nodeHttp, job: { url: `${nodeHttp.url}/` } },
        { name: BARE.fastify, proc: bareFastify, job: { url: `${bareFastify.url}/` } },
        { name: REPLAY.fastify, proc: fastifyBytes, job: { url: `${fastifyBytes.url}/v1/bots` } },
        { name: BARE.express, proc: bareExpress, job: { url: `${bareExpress.url}/` } },
        { name: REPLAY.express, proc: expressBytes, job: { url: `${expressBytes.url}/v1/bots` } },
        { name: 'Express app', proc: express!, job: bots(express!) },
        ...controls.map((c, i) => ({ name: CONTROLS[i]!.name, proc: c, job: bots(c) })),
        { name: 'Fastify app', proc: fastify!, job: bots(fastify!) },
      ],
    };
    const figures = await step(
      `  light route: ${rounds} interleaved runs of ${durationS} s per contender`,
      () => measure(variant, gen, rounds, durationS, context.options),
    );
    return { variant, figures };
  } finally {
    gen.close();
    await Promise.all(ceilings.map((p) => p.stop()));
  }
}

export const throughput: Scenario = {
  id: 'throughput',
  title: scenarioTitles.throughput,
  needs: (context) => [...PGLITE, ...(withPostgres(context) ? POSTGRES : [])],
  async run(context: Context): Promise<Section> {
    const { rounds, durationS, mode } = context.options;
    const light = await lightRoute(context);
    const [express, fastify] = await Promise.all(PGLITE.map((s) => context.fleet.get(s)));
    const gen = new LoadGenerator();
    // The PostgreSQL light route is compared with the ceilings: the same client as theirs.
    const lightGen = loadClient(lightClientName(context.options));
    const results = new Map<string, Map<string, Figures>>([['light', light.figures]]);
    const variants: Variant[] = [light.variant];
    const skipped: string[] = [];
    const apps = (job: (app: FleetApp) => Contender['job'], ex: FleetApp, fa: FleetApp) => [
      { name: 'Express app', proc: ex, job: job(ex) },
      { name: 'Fastify app', proc: fa, job: job(fa) },
    ];
    const write = (app: FleetApp) => ({
      url: `${app.url}/v1/bots/echo/messages`,
      method: 'POST',
      headers: { ...auth(app.user.token), 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hello' }),
    });
    const proxy = (app: FleetApp) => ({
      url: `${app.url}/v1/proxy/httpbin/delay/${SLOW_MS}`,
      headers: auth(app.user.token),
    });
    try {
      variants.push({
        id: 'write-pglite',
        title: 'Database write: POST /v1/bots/echo/messages on PGlite',
        contenders: apps(write, express!, fastify!),
      });
      if (withPostgres(context)) {
        const [ex, fa] = await Promise.all(POSTGRES.map((s) => context.fleet.get(s)));
        variants.push({
          id: 'light-postgres',
          title: 'Light route on the PostgreSQL server: GET /v1/bots',
          contenders: apps(bots, ex!, fa!),
        });
        variants.push({
          id: 'write-postgres',
          title: 'Database write: POST /v1/bots/echo/messages on the PostgreSQL server',
          contenders: apps(write, ex!, fa!),
        });
      } else {
        skipped.push(
          context.postgresUrl
            ? `the PostgreSQL variants (full runs only, not in --${mode})`
            : 'the PostgreSQL variants (the server did not answer)',
        );
      }
      // The proxy variant is bound by the upstream's latency in both apps (about 900 req/s
      // each at 100 connections and 100 ms): full runs only, to keep --quick under two minutes.
      if (mode === 'quick') skipped.push('the proxy variant (full runs only, not in --quick)');
      else
        variants.push({
          id: 'proxy',
          title: `Proxy with a slow upstream: GET /v1/proxy/httpbin/delay/${SLOW_MS}`,
          contenders: apps(proxy, express!, fastify!),
        });
      for (const v of variants.filter((v) => !results.has(v.id))) {
        results.set(
          v.id,
          await step(`  ${v.id}: ${rounds} interleaved runs of ${durationS} s per contender`, () =>
            measure(
              v,
              v.id === 'light-postgres' ? lightGen : gen,
              rounds,
              durationS,
              context.options,
            ),
          ),
        );
      }
    } finally {
      gen.close();
      lightGen.close();
    }
    const memory: MemoryRow[] = [
      { app: 'Express app', database: 'PGlite', idleRss: express!.idleRss, variant: 'light' },
      { app: 'Fastify app', database: 'PGlite', idleRss: fastify!.idleRss, variant: 'light' },
    ];
    if (withPostgres(context)) {
      const [ex, fa] = await Promise.all(POSTGRES.map((s) => context.fleet.get(s)));
      memory.push(
        {
          app: 'Express app',
          database: 'PostgreSQL server',
          idleRss: ex!.idleRss,
          variant: 'light-postgres',
        },
        {
          app: 'Fastify app',
          database: 'PostgreSQL server',
          idleRss: fa!.idleRss,
          variant: 'light-postgres',
        },
      );
    }
    const fragments = await Promise.all(FRAGMENTS.map((f) => readFile(f, 'utf8')));
    const section = report(variants, results, skipped, memory, rounds, durationS, context.options);
    return {
      ...section,
      targets: [...section.targets, ...fragments.flatMap(writesTargets)],
      tables: [section.tables, ...fragments.map((f) => f.trim())].join('\n\n'),
    };
  },
};

/**
 * Shown as they are after the tables: the light route's profile (profile-apps.ts wrote its
 * tables; the text says on which machine) and the write-up of PGlite's share of the memory.
 */
const FRAGMENTS = [
  './light-route-profile.md',
  './writes-before-after.md',
  './pglite-memory.md',
].map((name) => new URL(name, import.meta.url));

/** Issue 13, target 3: the write route against the build before the issue, per app. */
const WRITES_TARGET = 2;

/**
 * Target 3's rows from writes-before-after.md, which before-after.ts wrote (a run against
 * another build cannot be part of this one): per Node version, each app's POST ratio.
 */
export function writesTargets(fragment: string): Target[] {
  const targets: Target[] = [];
  let node = '';
  for (const line of fragment.split('\n')) {
    const heading = /^#### Before and after on (\S+)/.exec(line);
    if (heading) node = heading[1]!;
    const row = /^\| (\S+) \| POST (\S+) \|[^|]*\|[^|]*\|[^|]*\| ([\d.]+)×/.exec(line);
    if (!row || !node) continue;
    const ratio = Number(row[3]);
    targets.push({
      text: `Writes (PostgreSQL server, Node ${node}): ${row[1]} ≥ ${WRITES_TARGET} × the req/s of ba4a861 (before issue 13)`,
      met: ratio >= WRITES_TARGET,
      figure: `${fmt(ratio)}× ("Writes before and after" below)`,
    });
  }
  return targets;
}

/** Issue 13, target 5: RSS per app on the embedded default (PGlite), idle and on the light route. */
const IDLE_RSS_TARGET_MB = 200;
const IDLE_SETTLE_S = IDLE_SETTLE_MS / 1000;
const LOAD_RSS_TARGET_MB = 300;

interface MemoryRow {
  readonly app: 'Express app' | 'Fastify app';
  readonly database: 'PGlite' | 'PostgreSQL server';
  /** Bytes, read by the fleet once the app had started and signed its user in. */
  readonly idleRss: number;
  /** The variant whose peak RSS is the figure under load. */
  readonly variant: 'light' | 'light-postgres';
}

function memorySection(
  rows: readonly MemoryRow[],
  results: Map<string, Map<string, Figures>>,
): { table: string; targets: Target[] } {
  const mb = (bytes: number) => bytes / 2 ** 20;
  const targets: Target[] = [];
  const body = rows.map((row) => {
    const load = results.get(row.variant)?.get(row.app)?.rssMb;
    if (row.database === 'PGlite') {
      const idle = mb(row.idleRss);
      targets.push({
        text: `Memory: ${row.app} idle RSS on the embedded default (PGlite) ≤ ${IDLE_RSS_TARGET_MB} MB`,
        met: idle <= IDLE_RSS_TARGET_MB,
        figure: `${fmt(idle)} MB`,
      });
      if (load && load.n > 0)
        targets.push({
          text: `Memory: ${row.app} peak RSS on the light route on PGlite ≤ ${LOAD_RSS_TARGET_MB} MB`,
          met: load.max <= LOAD_RSS_TARGET_MB,
          figure: `${fmt(load.max)} MB (the highest of ${load.n} runs)`,
        });
    }
    return [
      row.app,
      row.database,
      `${fmt(mb(row.idleRss))} MB`,
      load ? fmtSummary(load, 'MB') : 'n/a',
    ];
  });
  return {
    table: table(['app', 'database', 'idle RSS', 'peak RSS, light route'], body),
    targets,
  };
}

/** The light route's chart: the ceilings, each framework with its app's bytes, the apps. */
const LIGHT_CHART = [
  'bare node:http',
  BARE.fastify,
  REPLAY.fastify,
  'Fastify app',
  BARE.express,
  REPLAY.express,
  'Express app',
];

/** Issue 13, target 1: each app on the light route against its own framework's hello-world. */
const LIGHT_SHARE_TARGET = 0.5;
const LIGHT_SHARE_AIM = 0.7;

function lightTarget(
  db: string,
  app: 'Fastify app' | 'Express app',
  rps: number,
  bare: number,
  replay: Figures | undefined,
): Target {
  const framework = app === 'Fastify app' ? BARE.fastify : BARE.express;
  const share = rps / bare;
  const bytes = replay ? replay.rps.median / bare : undefined;
  return {
    text: `Light route (${db}): ${app} ≥ ${fmt(LIGHT_SHARE_TARGET * 100)} % of the ${framework} hello-world (aim ${fmt(LIGHT_SHARE_AIM * 100)} %)`,
    met: share >= LIGHT_SHARE_TARGET,
    figure: `${fmt(share * 100)} % (${fmt(rps)} against ${fmt(bare)} req/s)${share >= LIGHT_SHARE_AIM ? ', the aim too' : ''}`,
    ...(share < LIGHT_SHARE_AIM && bytes !== undefined
      ? {
          note: `The same framework sending the app's own response (its status, helmet's headers and the body, from ceilings/replay.mjs) serves ${fmt(bytes * 100)} % of the hello-world, before any of the app's work${bytes < 1 ? ": the rest is what the response's size costs (its headers and body against the hello-world's 17 bytes)" : ''}. The app reaches ${fmt((rps / replay!.rps.median) * 100)} % of that replay; the rest is its own work per request (authentication, the hooks, logging, serialisation).`,
        }
      : {}),
  };
}

function report(
  variants: readonly Variant[],
  results: Map<string, Map<string, Figures>>,
  skipped: readonly string[],
  memory: readonly MemoryRow[],
  rounds: number,
  durationS: number,
  options: Options,
): Section {
  const light = results.get('light')!;
  const fig = (v: string, name: string) => results.get(v)?.get(name);
  const nodeRps = light.get('bare node:http')!.rps.median;
  const bareRps = light.get(BARE.fastify)!.rps.median;
  const bareOf = (framework: keyof typeof BARE) => light.get(BARE[framework])!.rps.median;
  const exRps = light.get('Express app')!.rps.median;
  const faRps = light.get('Fastify app')!.rps.median;
  const parts: string[] = [
    `${lightClientName(options) === 'wrk' ? 'wrk (one thread) on the light routes, autocannon on the others' : 'autocannon'}, ${CONNECTIONS} connections, ${rounds} interleaved runs of ${durationS} s per contender after a warm-up of ${options.warmupRequests ? `${options.warmupRequests} requests` : '1 s'} (median (min–max)). "client CPU" is the load generator's, in cores; ⚠ marks runs where it was above ${CLIENT_SATURATED}, so the client, not the server, may have been the limit. Peak RSS is the server's, sampled every 50 ms during the run.`,
    '',
  ];
  for (const v of variants) {
    const res = results.get(v.id)!;
    parts.push(`**${v.title}**`, '');
    parts.push(
      table(
        [
          'contender',
          'req/s',
          'of its bare framework',
          'of the Express app',
          'p50',
          'p99',
          'peak RSS',
          'client CPU',
          'non-2xx + errors',
        ],
        v.contenders.map((c) => {
          const f = res.get(c.name)!;
          return [
            c.name,
            fmtSummary(f.rps),
            frameworkOf(c.name)
              ? `${fmt((f.rps.median / bareOf(frameworkOf(c.name)!)) * 100)} %`
              : '—',
            `${fmt(f.rps.median / res.get('Express app')!.rps.median)}×`,
            fmtSummary(f.p50, 'ms'),
            fmtSummary(f.p99, 'ms'),
            `${fmt(f.rssMb.median)} MB`,
            `${fmt(f.clientCpu.median, 2)}${f.clientCpu.median > CLIENT_SATURATED ? ' ⚠' : ''}`,
            String(f.failures),
          ];
        }),
      ),
      '',
    );
  }
  if (skipped.length) parts.push(`Not measured in this run: ${skipped.join('; ')}.`, '');
  const rss = memorySection(memory, results);
  parts.push(
    '**Memory: RSS per app**',
    '',
    `"Idle" is the app's VmRSS ${IDLE_SETTLE_S} s after it answered /ready and signed its bench user in, before any load; "peak" is the highest VmRSS sampled every 50 ms during each light-route run (median (min–max) over the runs). The target is judged on the highest run.`,
    '',
    rss.table,
    '',
  );
  const targets: Target[] = [...rss.targets];
  for (const [id, db] of [
    ['light', 'PGlite'],
    ['light-postgres', 'PostgreSQL server'],
  ] as const) {
    const fa = fig(id, 'Fastify app')?.rps.median;
    const ex = fig(id, 'Express app')?.rps.median;
    if (fa === undefined || ex === undefined) continue;
    for (const [app, framework, rps] of [
      ['Fastify app', 'fastify', fa],
      ['Express app', 'express', ex],
    ] as const) {
      targets.push(lightTarget(db, app, rps, bareOf(framework), light.get(REPLAY[framework])));
    }
    targets.push({
      text: `Light route (${db}): Fastify app ≥ 3 × the Express app`,
      met: fa >= 3 * ex,
      figure: `${fmt(fa / ex)}×`,
      ...(fa < 3 * ex
        ? {
            note: `Both apps spend much of each request in work of their own (authentication, helmet, logging, serialisation) that does not get faster with the framework; the framework difference (bare hello-worlds above, scenario 6) is diluted by it.`,
          }
        : {}),
    });
  }
  const chartVariants = variants.filter((v) => v.id !== 'light' && results.has(v.id));
  const charts = [
    {
      file: 'throughput-light.svg',
      alt: 'Requests per second on the light route with the ceilings',
      svg: barChart({
        title: `GET /v1/bots at ${CONNECTIONS} connections, with ceilings (higher is better)`,
        axis: 'requests per second',
        categories: LIGHT_CHART,
        series: [{ name: 'req/s', values: LIGHT_CHART.map((n) => light.get(n)?.rps) }],
      }),
    },
    ...(chartVariants.length
      ? [
          {
            file: 'throughput-variants.svg',
            alt: 'Requests per second on the database and proxy routes',
            svg: barChart({
              title: `Other routes at ${CONNECTIONS} connections (higher is better)`,
              axis: 'requests per second',
              categories: chartVariants.map((v) => SHORT[v.id] ?? v.id),
              series: ['Express app', 'Fastify app'].map((n) => ({
                name: n,
                values: chartVariants.map((v) => fig(v.id, n)?.rps),
              })),
            }),
          },
        ]
      : []),
  ];
  const reading = [
    `Ceilings: bare node:http ${fmt(nodeRps)} req/s, bare Fastify ${fmt(bareRps)} req/s (${fmt((bareRps / nodeRps) * 100)} % of node:http), bare Express 5 ${fmt(bareOf('express'))} req/s. ${light.get('bare node:http')!.clientCpu.median > CLIENT_SATURATED ? 'The load generator used more than ' + CLIENT_SATURATED + " of a core against them, so these ceilings are partly the client's." : 'The load generator was not saturated.'}`,
    `Light route: the Fastify app served ${fmt(faRps)} req/s (${fmt((faRps / bareRps) * 100)} % of bare Fastify, ${fmt((faRps / light.get(REPLAY.fastify)!.rps.median) * 100)} % of bare Fastify sending the same bytes), the Express app ${fmt(exRps)} req/s (${fmt((exRps / bareOf('express')) * 100)} % of bare Express 5, ${fmt((exRps / light.get(REPLAY.express)!.rps.median) * 100)} % of bare Express 5 sending the same bytes); Fastify ÷ Express = ${fmt(faRps / exRps)}×.`,
  ];
  for (const v of chartVariants) {
    const e = fig(v.id, 'Express app');
    const f = fig(v.id, 'Fastify app');
    if (!e || !f) continue;
    reading.push(
      `${v.title}: Express ${fmt(e.rps.median)} req/s (p99 ${fmt(e.p99.median)} ms), Fastify ${fmt(f.rps.median)} req/s (p99 ${fmt(f.p99.median)} ms), ${fmt(f.rps.median / e.rps.median)}×.${v.id === 'proxy' ? ` With ${SLOW_MS} ms upstream latency and ${CONNECTIONS} connections the latency bound is ${fmt((CONNECTIONS / SLOW_MS) * 1000)} req/s; both proxies wait asynchronously, so neither framework matters much until the CPU does.` : ''}`,
    );
  }
  return {
    id: 'throughput',
    title: throughput.title,
    method: `Each contender is its own process; the load client (wrk or autocannon, above) runs in another. The bare node:http, Fastify and Express 5 hello-worlds answer \`{"hello":"world"}\` and set the ceiling for this machine and client; "the app's bytes" is the same bare framework answering with one response the app gave on the light route (its status, helmet's headers and its body, \`ceilings/replay.mjs\`), so that the gap from the hello-world to the app splits into what the response's size costs and what the app's own work costs. Both apps run with their defaults; the database variants write a message and the echo bot's reply per request; the proxy variant goes through \`/v1/proxy/httpbin/delay/${SLOW_MS}\` to the stand-in.`,
    tables: parts.join('\n').trimEnd(),
    charts,
    targets,
    reading,
  };
}
