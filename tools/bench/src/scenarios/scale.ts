// Scenario 10: one, two and three instances of an app behind HAProxy (tools/scale), on one
// PostgreSQL database and Redis: the light route and message writes, with the load client's and
// HAProxy's CPU. Three instances start once; HAProxy's runtime API takes instances out of
// rotation (`maint`) so that the 1, 2 and 3 runs interleave within each round.
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { startScaled, type Scaled } from '@switchyard/scale';
import { scenarioTitles } from '../lib/titles.js';
import { table, warmup, type Context, type Scenario, type Section } from '../lib/context.js';
import { sharedEnv, signIn } from '../lib/gateway.js';
import { appEntry, type AppName } from '../lib/processes.js';
import { step } from '../lib/progress.js';
import { fmt, fmtRatio, fmtSummary, summarize, type Summary } from '../lib/stats.js';
import { barChart } from '../lib/svg.js';
import { clientFor, loadClient, wrkInstalled, type LoadClient } from '../lib/wrk.js';
import type { LoadJob, LoadResult } from '../lib/load.js';

const COUNTS = [1, 2, 3] as const;
const CONNECTIONS = 50;

/** CPU seconds (user + system) of one process so far, from /proc. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Run extends LoadResult {
  /** HAProxy's CPU over the run, in cores. */
  readonly haproxyCpu: number;
  /** The instances' CPU over the run, summed, in cores. */
  readonly appCpu: number;
}

async function measure(scaled: Scaled, client: LoadClient, job: LoadJob): Promise<Run> {
  const pids = scaled.instances.flatMap((i) => (i.process?.child.pid ? [i.process.child.pid] : []));
  const began = performance.now();
  const [h0, ...a0] = await Promise.all([scaled.haproxyPid, ...pids].map(cpuSeconds));
  const result = await client.run(job);
  const [h1, ...a1] = await Promise.all([scaled.haproxyPid, ...pids].map(cpuSeconds));
  const seconds = (performance.now() - began) / 1000;
  const appCpu = a1.reduce((sum, v, i) => sum + v - a0[i]!, 0) / seconds;
  return { ...result, haproxyCpu: (h1! - h0!) / seconds, appCpu };
}

async function inRotation(scaled: Scaled, count: number): Promise<void> {
  for (const [i, instance] of scaled.instances.entries()) {
    await scaled.setInRotation(instance.name, i < count);
  }
}

export const scale: Scenario = {
  id: 'scale',
  title: scenarioTitles.scale,
  async run(context: Context): Promise<Section> {
    const { rounds, durationS, mode } = context.options;
    if (!context.postgresUrl) throw new Error('the scale scenario needs the PostgreSQL server');
    const apps: AppName[] = mode === 'full' ? ['fastify-api', 'express-api'] : ['fastify-api'];
    const lightName = clientFor(
      context.options.clients,
      'scale',
      wrkInstalled() ? 'wrk' : 'autocannon',
    );
    const light = loadClient(lightName);
    // wrk sends GET only: the writes go through autocannon.
    const writes = loadClient('autocannon');
    const figures = new Map<string, Run[]>();
    const push = (key: string, run: Run) => figures.set(key, [...(figures.get(key) ?? []), run]);
    try {
      for (const app of apps) {
        const scaled = await step(`  ${app}: three instances behind HAProxy`, () =>
          startScaled({
            app: { name: app, main: appEntry(app) },
            instances: 3,
            adminDatabaseUrl: context.postgresUrl!,
            env: sharedEnv(context.upstreamUrl),
          }),
        );
        try {
          const user = await signIn(scaled.url);
          const auth = { authorization: `Bearer ${user.token}` };
          const jobs = {
            light: {
              url: `${scaled.url}/v1/bots`,
              connections: CONNECTIONS,
              durationS,
              headers: auth,
            },
            writes: {
              url: `${scaled.url}/v1/bots/echo/messages`,
              connections: CONNECTIONS,
              durationS,
              method: 'POST',
              headers: { ...auth, 'content-type': 'application/json' },
              body: JSON.stringify({ text: 'scale' }),
            },
          } satisfies Record<string, LoadJob>;
          await light.run({ ...jobs.light, ...warmup(context.options) });
          await writes.run({ ...jobs.writes, ...warmup(context.options) });
          for (let round = 0; round < rounds; round++) {
            for (const count of COUNTS) {
              await inRotation(scaled, count);
              push(`${app} light ${count}`, await measure(scaled, light, jobs.light));
              push(`${app} writes ${count}`, await measure(scaled, writes, jobs.writes));
            }
          }
        } finally {
          await scaled.close();
        }
      }
    } finally {
      light.close();
      writes.close();
    }

    const s = (key: string, pick: (r: Run) => number): Summary =>
      summarize((figures.get(key) ?? []).map(pick));
    const rows: string[][] = [];
    for (const app of apps) {
      for (const route of ['light', 'writes'] as const) {
        const one = s(`${app} ${route} 1`, (r) => r.rps).median;
        for (const count of COUNTS) {
          const key = `${app} ${route} ${count}`;
          const runs = figures.get(key) ?? [];
          rows.push([
            app,
            route === 'light' ? 'GET /v1/bots' : 'POST /v1/bots/echo/messages',
            String(count),
            fmtSummary(s(key, (r) => r.rps)),
            fmtRatio(s(key, (r) => r.rps).median, one),
            `${fmt(s(key, (r) => r.p99).median)} ms`,
            fmt(s(key, (r) => r.clientCpu).median),
            fmt(s(key, (r) => r.haproxyCpu).median),
            fmt(s(key, (r) => r.appCpu).median),
            String(runs.reduce((n, r) => n + r.non2xx + r.errors, 0)),
          ]);
        }
      }
    }
    const chart = barChart({
      title: 'req/s through HAProxy by instances in rotation',
      axis: 'requests per second (median, min–max)',
      categories: apps.flatMap((app) => [`${app} light`, `${app} writes`]),
      series: COUNTS.map((count) => ({
        name: `${count} instance${count > 1 ? 's' : ''}`,
        values: apps.flatMap((app) => [
          s(`${app} light ${count}`, (r) => r.rps),
          s(`${app} writes ${count}`, (r) => r.rps),
        ]),
      })),
    });
    const ratio = (app: AppName, route: string) =>
      s(`${app} ${route} 3`, (r) => r.rps).median / s(`${app} ${route} 1`, (r) => r.rps).median;
    return {
      id: 'scale',
      title: scenarioTitles.scale,
      method: [
        `Three instances of each app (its build, \`${appEntry('fastify-api')}\`) on one new PostgreSQL database and Redis, behind HAProxy (\`tools/scale\`, \`balance roundrobin\`).`,
        `Each round takes instances out of rotation through HAProxy's runtime API so that 1, 2 and 3 instances run back to back; ${rounds} round(s) of ${durationS} s per run at ${CONNECTIONS} connections.`,
        `The light route with ${lightName}, the writes (one new conversation and two messages each) with autocannon. CPU columns are cores (1.00 = one core busy), from /proc: the client's, HAProxy's, and the instances' summed.`,
      ].join(' '),
      tables: table(
        [
          'app',
          'route',
          'instances',
          'req/s',
          'vs 1',
          'p99',
          'client CPU',
          'HAProxy CPU',
          'instances CPU',
          'non-2xx + errors',
        ],
        rows,
      ),
      charts: [
        { file: 'scale.svg', alt: 'Requests per second by instances in rotation', svg: chart },
      ],
      targets: [],
      reading: apps.map(
        (app) =>
          `${app}: 3 instances gave ${fmt(ratio(app, 'light'))}× the light route's req/s of one and ${fmt(ratio(app, 'writes'))}× its writes, on ${availableParallelism()} CPUs shared by the client, HAProxy, the instances and PostgreSQL.`,
      ),
    };
  },
};
