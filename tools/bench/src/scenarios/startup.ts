// Scenario 5: start-up, from spawning the process to the first 200 from /ready, per app and
// per database.
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import pg from 'pg';
import { scenarioTitles } from '../lib/titles.js';
import { table, type Context, type Scenario, type Section } from '../lib/context.js';
import { APPS, label, startApp, type AppOptions } from '../lib/processes.js';
import { step } from '../lib/progress.js';
import { fmt, fmtRatio, fmtSummary, summarize, type Summary } from '../lib/stats.js';
import { barChart } from '../lib/svg.js';
import { sharedEnv } from '../lib/gateway.js';

interface Variant {
  readonly id: string;
  readonly title: string;
  readonly runs: number;
  /** Options for one start: a new data dir or database each time. */
  prepare(): Promise<{ env: AppOptions; cleanup(): Promise<void> }>;
}

async function withAdmin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export const startup: Scenario = {
  id: 'startup',
  title: scenarioTitles.startup,
  async run(context: Context): Promise<Section> {
    const { rounds, mode } = context.options;
    const upstreamUrl = context.upstreamUrl;
    const noop = async () => undefined;
    const variants: Variant[] = [
      {
        id: 'pglite-existing',
        title: 'PGlite, existing data dir',
        runs: mode === 'quick' ? 2 : rounds,
        prepare: async () => ({ env: { dataDir: await context.dataDirs.copy() }, cleanup: noop }),
      },
    ];
    if (mode === 'full') {
      variants.push({
        id: 'pglite-new',
        title: 'PGlite, new data dir (cached initdb image + migrations)',
        runs: rounds,
        prepare: async () => ({ env: { dataDir: await context.dataDirs.fresh() }, cleanup: noop }),
      });
      // An empty SWITCHYARD_PGLITE_TEMPLATE_DIR: the app finds no cached initdb image and has
      // one made (initdb, in a child process), as on the first start on a new machine.
      variants.push({
        id: 'pglite-first',
        title: 'PGlite, first start on a new machine (initdb + migrations)',
        runs: rounds,
        prepare: async () => {
          const cache = await context.dataDirs.fresh();
          return {
            env: {
              dataDir: await context.dataDirs.fresh(),
              env: { SWITCHYARD_PGLITE_TEMPLATE_DIR: cache },
            },
            cleanup: () => rm(cache, { recursive: true, force: true }),
          };
        },
      });
    }
    const pgUrl = context.postgresUrl;
    if (pgUrl && mode !== 'smoke') {
      variants.push({
        id: 'postgres-new',
        title: 'PostgreSQL server, new database (migrations)',
        runs: mode === 'quick' ? 1 : rounds,
        prepare: async () => {
          const name = `switchyard_bench_${randomUUID().slice(0, 8)}`;
          await withAdmin(pgUrl, (c) => c.query(`create database ${name}`));
          const url = new URL(pgUrl);
          url.pathname = `/${name}`;
          return {
            env: { databaseUrl: url.href },
            cleanup: () =>
              withAdmin(pgUrl, (c) => c.query(`drop database if exists ${name} with (force)`)).then(
                noop,
              ),
          };
        },
      });
    }
    // Make the template first, so that its initdb is not counted.
    await context.dataDirs.template();
    const results = new Map<string, Summary>();
    for (const v of variants) {
      const samples = new Map<string, number[]>(APPS.map((a) => [a, []]));
      await step(`  ${v.title}: ${v.runs} interleaved starts per app`, async () => {
        for (let r = 0; r < v.runs; r++) {
          for (const app of APPS) {
            const { env, cleanup } = await v.prepare();
            try {
              const proc = await startApp(app, sharedEnv(upstreamUrl), env);
              samples.get(app)!.push(proc.readyMs);
              await proc.stop();
            } finally {
              await cleanup();
            }
          }
        }
      });
      for (const app of APPS) results.set(`${v.id}/${app}`, summarize(samples.get(app)!));
    }
    const get = (v: string, a: string) => results.get(`${v}/${a}`)!;
    const tables = [
      'Milliseconds from spawning `node apps/<app>/dist/main.js` (the build output) to the first 200 from `/ready` (polled every 20 ms), starts interleaved (median (min–max)):',
      '',
      table(
        ['database', 'Express', 'Fastify', 'Fastify ÷ Express', 'runs per app'],
        variants.map((v) => [
          v.title,
          fmtSummary(get(v.id, 'express-api'), 'ms'),
          fmtSummary(get(v.id, 'fastify-api'), 'ms'),
          fmtRatio(get(v.id, 'fastify-api').median, get(v.id, 'express-api').median),
          String(v.runs),
        ]),
      ),
    ].join('\n');
    const reading = variants.map(
      (v) =>
        `${v.title}: Express ${fmt(get(v.id, 'express-api').median)} ms, Fastify ${fmt(get(v.id, 'fastify-api').median)} ms.`,
    );
    reading.push(
      'Most of a start is the same in both apps: loading the modules, opening the database and checking the migrations. The difference between the apps is their own module graph and set-up (Fastify registers plugins and compiles schemas up front). Under `npm start`, which runs the TypeScript through tsx, each start costs about another half second in both.',
    );
    if (variants.some((v) => v.id === 'pglite-new')) {
      reading.push(
        `A new PGlite data dir costs about ${fmt(get('pglite-new', 'fastify-api').median - get('pglite-existing', 'fastify-api').median)} ms more than an existing one: the app copies the unpacked initdb image that @switchyard/persistence caches per machine (in the OS temp dir) and runs the migrations.`,
      );
    }
    if (variants.some((v) => v.id === 'pglite-first')) {
      reading.push(
        `The very first start on a machine, with no cached image, runs initdb (in a child process, which then unpacks the image once) before that: about ${fmt(get('pglite-first', 'fastify-api').median - get('pglite-existing', 'fastify-api').median)} ms more than an existing data dir (see TOOLCHAIN.md, "PGlite facts").`,
      );
    }
    return {
      id: 'startup',
      title: startup.title,
      method:
        'For each database the bench starts one app, waits for `/ready` to answer 200, stops it, and starts the other, round after round. "Existing data dir" is a copy of a PGlite directory that a previous start initialised; "new" is an empty one, seeded from the initdb image cached on the machine; "first start" (full runs only) is an empty one with no cached image; "PostgreSQL server" is a new database on the server, created and dropped by the bench for each start.',
      tables,
      charts: [
        {
          file: 'startup.svg',
          alt: 'Start-up time per app and database',
          svg: barChart({
            title: 'Process start to first successful /ready (lower is better)',
            axis: 'milliseconds',
            categories: variants.map((v) => v.title),
            series: APPS.map((a) => ({
              name: label(a),
              values: variants.map((v) => get(v.id, a)),
            })),
            unit: ' ms',
          }),
        },
      ],
      targets: [],
      reading,
    };
  },
};
