// Scenario 3: throughput at 100 connections, with a bare node:http and a bare Fastify
// hello-world in the same run as the ceiling.
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
import type { AppSpec, FleetApp } from '../lib/fleet.js';
import { CLIENT_SATURATED, LoadGenerator, type LoadJob, type LoadResult } from '../lib/load.js';
import { spawnProc, type Proc } from '../lib/processes.js';
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
  gen: LoadGenerator,
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
  const ceilings = await step('  start the bare node:http and Fastify hello-worlds', async () => {
    return Promise.all([
      spawnProc('node:http', 'tools/bench/src/ceilings/node-http.ts', {}, '/'),
      spawnProc('bare Fastify', 'tools/bench/src/ceilings/fastify-hello.ts', {}, '/'),
    ]);
  });
  const gen = new LoadGenerator();
  try {
    const [nodeHttp, bareFastify] = ceilings as [Proc, Proc];
    const variant: Variant = {
      id: 'light',
      title: 'Light route: GET /v1/bots (authenticated: one session lookup)',
      contenders: [
        { name: 'bare node:http', proc: nodeHttp, job: { url: `${nodeHttp.url}/` } },
        { name: 'bare Fastify', proc: bareFastify, job: { url: `${bareFastify.url}/` } },
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
            measure(v, gen, rounds, durationS, context.options),
          ),
        );
      }
    } finally {
      gen.close();
    }
    return report(variants, results, skipped, rounds, durationS, context.options);
  },
};

function report(
  variants: readonly Variant[],
  results: Map<string, Map<string, Figures>>,
  skipped: readonly string[],
  rounds: number,
  durationS: number,
  options: Options,
): Section {
  const light = results.get('light')!;
  const fig = (v: string, name: string) => results.get(v)?.get(name);
  const nodeRps = light.get('bare node:http')!.rps.median;
  const bareRps = light.get('bare Fastify')!.rps.median;
  const exRps = light.get('Express app')!.rps.median;
  const faRps = light.get('Fastify app')!.rps.median;
  const parts: string[] = [
    `autocannon, ${CONNECTIONS} connections, ${rounds} interleaved runs of ${durationS} s per contender after a warm-up of ${options.warmupRequests ? `${options.warmupRequests} requests` : '1 s'} (median (min–max)). "client CPU" is the load generator's, in cores; ⚠ marks runs where it was above ${CLIENT_SATURATED}, so the client, not the server, may have been the limit. Peak RSS is the server's, sampled every 50 ms during the run.`,
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
          'of bare Fastify',
          'of Express',
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
            `${fmt((f.rps.median / bareRps) * 100)} %`,
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
  const targets: Target[] = [];
  for (const [id, db] of [
    ['light', 'PGlite'],
    ['light-postgres', 'PostgreSQL server'],
  ] as const) {
    const fa = fig(id, 'Fastify app')?.rps.median;
    const ex = fig(id, 'Express app')?.rps.median;
    if (fa === undefined || ex === undefined) continue;
    targets.push(
      {
        text: `Light route (${db}): Fastify app ≥ 70 % of the bare Fastify hello-world`,
        met: fa >= 0.7 * bareRps,
        figure: `${fmt((fa / bareRps) * 100)} % (${fmt(fa)} against ${fmt(bareRps)} req/s)`,
        ...(fa < 0.7 * bareRps
          ? {
              note: `GET /v1/bots is not a hello-world: it authenticates the bearer token with a session lookup in the database${id === 'light' ? " (PGlite runs inside the app's own process and thread, so every lookup takes event-loop time)" : ' (a round trip to the server through pg)'}, and runs helmet, the request-id and logging hooks and response serialisation. The hello-world pays none of that; the gap is that work, not framework overhead.`,
            }
          : {}),
      },
      {
        text: `Light route (${db}): Fastify app ≥ 3 × the Express app`,
        met: fa >= 3 * ex,
        figure: `${fmt(fa / ex)}×`,
        ...(fa < 3 * ex
          ? {
              note: `Both apps spend much of each request in the same session lookup${id === 'light' ? ' on PGlite' : ''}, which does not get faster with the framework; the framework difference (bare hello-worlds above, scenario 6) is diluted by it.`,
            }
          : {}),
      },
    );
  }
  const chartVariants = variants.filter((v) => v.id !== 'light' && results.has(v.id));
  const charts = [
    {
      file: 'throughput-light.svg',
      alt: 'Requests per second on the light route with the ceilings',
      svg: barChart({
        title: `GET /v1/bots at ${CONNECTIONS} connections, with ceilings (higher is better)`,
        axis: 'requests per second',
        categories: ['bare node:http', 'bare Fastify', 'Express app', 'Fastify app'],
        series: [
          {
            name: 'req/s',
            values: ['bare node:http', 'bare Fastify', 'Express app', 'Fastify app'].map(
              (n) => light.get(n)?.rps,
            ),
          },
        ],
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
    `Ceilings: bare node:http ${fmt(nodeRps)} req/s, bare Fastify ${fmt(bareRps)} req/s (${fmt((bareRps / nodeRps) * 100)} % of node:http). ${light.get('bare node:http')!.clientCpu.median > CLIENT_SATURATED ? 'The load generator used more than ' + CLIENT_SATURATED + " of a core against them, so these ceilings are partly the client's." : 'The load generator was not saturated.'}`,
    `Light route: the Fastify app served ${fmt(faRps)} req/s (${fmt((faRps / bareRps) * 100)} % of bare Fastify), the Express app ${fmt(exRps)} req/s (${fmt((exRps / bareRps) * 100)} %); Fastify ÷ Express = ${fmt(faRps / exRps)}×.`,
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
    method: `Each contender is its own process; autocannon runs in another. The bare node:http and bare Fastify hello-worlds answer \`{"hello":"world"}\` and set the ceiling for this machine and client. Both apps run with their defaults; the database variants write a message and the echo bot's reply per request; the proxy variant goes through \`/v1/proxy/httpbin/delay/${SLOW_MS}\` to the stand-in.`,
    tables: parts.join('\n').trimEnd(),
    charts,
    targets,
    reading,
  };
}
