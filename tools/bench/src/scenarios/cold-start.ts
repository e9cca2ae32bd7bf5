// Scenario 12: Lambda cold starts. Each app's one-file Lambda bundle (tools/deploy's
// buildLambda) imported by a fresh `node` from a folder with no node_modules and invoked twice,
// on the PostgreSQL server; then seed-style dispatch (a bot module imported per request) against
// the keyed registry, as two small fixture functions bundled the same way.
import { mkdtemp, copyFile, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  LAMBDA_APPS,
  apiGatewayV2Event,
  buildLambda,
  buildLambdaEntry,
  functionEnv,
  invokeFresh,
  type FreshRun,
  type LambdaBuildResult,
} from '@switchyard/deploy';
import { createServerDatabase, type ServerDatabase } from '@switchyard/persistence/testing';
import { scenarioTitles } from '../lib/titles.js';
import { table, type Context, type Scenario, type Section } from '../lib/context.js';
import { label } from '../lib/processes.js';
import { step } from '../lib/progress.js';
import { fmt, fmtSummary, summarize, type Summary } from '../lib/stats.js';
import { barChart } from '../lib/svg.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** The figures of one fresh process, in ms. */
const FIGURES = [
  ['total', 'spawn to the first result'],
  ['node', "spawn to the bundle's import() starting (Node's own start)"],
  ['import', 'import() of the bundle alone'],
  ['first', 'first invocation'],
  ['second', 'second invocation'],
] as const;
type Figure = (typeof FIGURES)[number][0];

function figures(run: FreshRun): Record<Figure, number> {
  const [first, second] = run.invocations;
  if (!first || !second) throw new Error('the fresh process answered fewer than two events');
  return {
    total: first.sinceSpawnMs,
    node: run.importedSinceSpawnMs - run.importMs,
    import: run.importMs,
    first: first.ms,
    second: second.ms,
  };
}

interface Contender {
  readonly id: string;
  readonly name: string;
  readonly bundle: LambdaBuildResult;
  readonly env: Record<string, string>;
  readonly events: readonly unknown[];
  /** What each answer's status must be. */
  readonly status: number;
}

/** Every contender once per round, the order turned round each round; the first run per contender is a warm-up. */
async function interleave(
  contenders: readonly Contender[],
  rounds: number,
): Promise<{ samples: Map<string, Array<Record<Figure, number>>>; rss: Map<string, number[]> }> {
  const samples = new Map(contenders.map((c) => [c.id, [] as Array<Record<Figure, number>>]));
  const rss = new Map(contenders.map((c) => [c.id, [] as number[]]));
  for (let r = -1; r < rounds; r++) {
    const order = r % 2 === 0 ? contenders : [...contenders].reverse();
    for (const c of order) {
      const run = await invokeFresh({ bundle: c.bundle.entry, env: c.env, events: c.events });
      const statuses = run.invocations.map((i) => i.result.statusCode);
      if (statuses.some((s) => s !== c.status))
        throw new Error(`${c.name} answered ${statuses.join(', ')}, not ${c.status}`);
      if (r < 0) continue;
      samples.get(c.id)!.push(figures(run));
      rss.get(c.id)!.push(run.invocations.at(-1)!.rssBytes / 2 ** 20);
    }
  }
  return { samples, rss };
}

const summaries = (runs: ReadonlyArray<Record<Figure, number>>) =>
  Object.fromEntries(FIGURES.map(([k]) => [k, summarize(runs.map((x) => x[k]))])) as Record<
    Figure,
    Summary
  >;

/** b ÷ a per round (the runs of one round were taken side by side). */
const perRound = (a: ReadonlyArray<Record<Figure, number>>, b: typeof a, k: Figure) =>
  summarize(a.map((x, i) => b[i]![k] / x[k]));

const kb = (bytes: number) => `${fmt(bytes / 1024)} KB`;

export const coldStart: Scenario = {
  id: 'coldstart',
  title: scenarioTitles.coldstart,
  async run(context: Context): Promise<Section> {
    const { rounds } = context.options;
    const pgUrl = context.postgresUrl;
    if (!pgUrl)
      throw new Error('needs the PostgreSQL server: a Lambda function requires DATABASE_URL');
    const dir = await mkdtemp(path.join(tmpdir(), 'switchyard-bench-lambda-'));
    const databases: ServerDatabase[] = [];
    try {
      const bundles = await step(
        '  build the Lambda bundles and the dispatch fixtures',
        async () => {
          const apps = new Map<string, LambdaBuildResult>();
          for (const app of LAMBDA_APPS)
            apps.set(app, await buildLambda(app, { outdir: path.join(dir, app) }));
          const registry = await buildLambdaEntry({
            entry: path.join(FIXTURES, 'lambda-registry.mjs'),
            outdir: path.join(dir, 'registry'),
          });
          const perRequest = await buildLambdaEntry({
            entry: path.join(FIXTURES, 'lambda-import.mjs'),
            outdir: path.join(dir, 'import'),
          });
          await mkdir(path.join(perRequest.outdir, 'bots'));
          await copyFile(
            path.join(FIXTURES, 'echo-bot.mjs'),
            path.join(perRequest.outdir, 'bots', 'echo.mjs'),
          );
          return { apps, registry, perRequest };
        },
      );
      const health = apiGatewayV2Event({ method: 'GET', path: '/health' });
      const apps: Contender[] = [];
      for (const app of LAMBDA_APPS) {
        const db = await createServerDatabase(pgUrl);
        databases.push(db);
        apps.push({
          id: app,
          name: label(app),
          bundle: bundles.apps.get(app)!,
          env: functionEnv(db.url),
          events: [health, health],
          status: 200,
        });
      }
      const message = apiGatewayV2Event({
        method: 'POST',
        path: '/v1/bots/echo/messages',
        json: { text: 'hello' },
      });
      const dispatchers: Contender[] = [
        {
          id: 'registry',
          name: 'keyed registry',
          bundle: bundles.registry,
          env: {},
          events: [message, message],
          status: 201,
        },
        {
          id: 'import',
          name: 'import() per request',
          bundle: bundles.perRequest,
          env: {},
          events: [message, message],
          status: 201,
        },
      ];
      const coldApps = await step(`  ${rounds} interleaved cold starts per app (+1 warm-up)`, () =>
        interleave(apps, rounds),
      );
      const coldDispatch = await step(
        `  ${rounds} interleaved cold starts per dispatch fixture (+1 warm-up)`,
        () => interleave(dispatchers, rounds),
      );

      const [express, fastify] = ['express-api', 'fastify-api'].map((id) =>
        coldApps.samples.get(id)!,
      ) as [Array<Record<Figure, number>>, Array<Record<Figure, number>>];
      const sx = summaries(express);
      const sf = summaries(fastify);
      const registryRuns = coldDispatch.samples.get('registry')!;
      const importRuns = coldDispatch.samples.get('import')!;
      const sr = summaries(registryRuns);
      const si = summaries(importRuns);
      const rss = (id: string) => fmtSummary(summarize(coldApps.rss.get(id)!), 'MB');

      const sizes = table(
        ['app', 'lambda.mjs', 'gzip -9', 'npm packages inside', 'beside it (assets/)'],
        LAMBDA_APPS.map((app) => {
          const b = bundles.apps.get(app)!;
          return [
            label(app),
            kb(b.bytes),
            kb(b.gzipBytes),
            String(b.packages.length),
            b.assets.map((a) => `\`${a}\``).join(', '),
          ];
        }),
      );
      const cold = table(
        ['ms', 'Express', 'Fastify', 'Fastify ÷ Express (per round)'],
        [
          ...FIGURES.map(([k, name]) => [
            name,
            fmtSummary(sx[k]),
            fmtSummary(sf[k]),
            fmtSummary(perRound(express, fastify, k)),
          ]),
          [
            'resident memory after the second invocation',
            rss('express-api'),
            rss('fastify-api'),
            '',
          ],
        ],
      );
      const dispatch = table(
        ['ms', 'keyed registry', 'import() per request', 'import() ÷ registry (per round)'],
        FIGURES.map(([k, name]) => [
          name,
          fmtSummary(sr[k]),
          fmtSummary(si[k]),
          fmtSummary(perRound(registryRuns, importRuns, k)),
        ]),
      );
      const tables = [
        `Bundle sizes (this run's build, \`nx run @switchyard/<app>:lambda-bundle\` writes the same to \`dist/lambda/<app>/\`):`,
        '',
        sizes,
        '',
        `${rounds} round(s) of fresh processes per app, interleaved, on a new database on the PostgreSQL server per app, after one uncounted warm-up per app (it also applied the migrations); each process answers GET /health twice, and its first invocation loads the config, opens the pool, checks the migrations and builds the app (median (min–max)):`,
        '',
        cold,
        '',
        `Seed-style dispatch: the same ${rounds} round(s) of fresh processes for two fixture functions that answer POST /v1/bots/echo/messages twice, one finding the bot's class in the keyed registry, the other importing the bot's module per request:`,
        '',
        dispatch,
      ].join('\n');
      const charts = [
        {
          file: 'coldstart.svg',
          alt: 'Milliseconds of a Lambda cold start per app: spawn to the first result, the import, the first and second invocations',
          svg: barChart({
            title: 'A fresh process answering its first two events (lower is better)',
            axis: 'milliseconds',
            categories: FIGURES.map(([, name]) => name),
            series: [
              { name: 'Express', values: FIGURES.map(([k]) => sx[k]) },
              { name: 'Fastify', values: FIGURES.map(([k]) => sf[k]) },
            ],
            unit: ' ms',
          }),
        },
        {
          file: 'coldstart-dispatch.svg',
          alt: 'Milliseconds of a cold start with the keyed registry and with an import() per request',
          svg: barChart({
            title: 'Finding the bot on a cold start (lower is better)',
            axis: 'milliseconds (log scale)',
            categories: FIGURES.map(([, name]) => name),
            series: [
              { name: 'keyed registry', values: FIGURES.map(([k]) => sr[k]) },
              { name: 'import() per request', values: FIGURES.map(([k]) => si[k]) },
            ],
            log: true,
            unit: ' ms',
          }),
        },
      ];
      const reading = [
        `From spawn to the first answer: Express ${fmt(sx.total.median)} ms, Fastify ${fmt(sf.total.median)} ms (Fastify ÷ Express ${fmt(perRound(express, fastify, 'total').median)} per round). Of that, Node's own start is ${fmt(sx.node.median)} and ${fmt(sf.node.median)} ms, the bundle's import ${fmt(sx.import.median)} and ${fmt(sf.import.median)} ms, and the first invocation, which loads the config, opens the pool, checks the migrations and builds the app, ${fmt(sx.first.median)} and ${fmt(sf.first.median)} ms. A warm invocation after it: ${fmt(sx.second.median)} and ${fmt(sf.second.median)} ms.`,
        `What the keyed registry saves: with the bot module imported per request, the first invocation took ${fmt(si.first.median)} ms against ${fmt(sr.first.median)} ms with the registry (${fmt(perRound(registryRuns, importRuns, 'first').median)}× per round): the module's resolve, read, parse and evaluation move from the first request to the function's import. ${si.second.median > sr.second.median ? `Every later request still pays a resolve and a promise: ${fmt(si.second.median)} against ${fmt(sr.second.median)} ms.` : `Later requests cost about the same here (${fmt(si.second.median)} against ${fmt(sr.second.median)} ms): a cached module's import() is a resolve and a promise, which scenario 4 measures in ns per call.`} The fixture's bot is one small module with no imports, so this is a lower bound: a real bot module with imports costs more cold. Over a whole cold start it is small: ${fmt(si.total.median)} against ${fmt(sr.total.median)} ms from spawn to the first result, most of which is Node's own start.`,
        "These processes run on this machine's Node and CPU, not in Lambda's Firecracker micro-VMs, where the CPU share follows the function's memory setting: the absolute times do not transfer; the split (Node, import, first invocation) and the ratios travel better. Lambda also reports an INIT duration (the import) apart from the first invocation's duration, which is the same split.",
      ];
      return {
        id: 'coldstart',
        title: coldStart.title,
        method:
          "The bench builds each app's Lambda bundle with tools/deploy's `buildLambda` (one ES module, every npm package inside) into a temp folder with no node_modules above it, and creates a database per app on the PostgreSQL server. Each run spawns a fresh `node tools/deploy/src/lambda-driver.mjs` (copied to a temp folder; plain JavaScript, only Node's own modules) with the function's environment alone (DATABASE_URL, DB_POOL_SIZE=1, LOG_LEVEL=warn and the upstream URLs), which imports the bundle and calls `handler` with two API Gateway HTTP API (payload 2.0) events, printing a line after each step. The spawn-to-result time is taken by the bench when the line arrives; the import and each invocation are timed inside the child with `process.hrtime.bigint()`. The dispatch fixtures (`src/scenarios/fixtures/lambda-registry.mjs` and `lambda-import.mjs`, with `echo-bot.mjs` as the bot) are bundled the same way, the per-request one with the bot's module in `bots/` beside it.",
        tables,
        charts,
        targets: [],
        reading,
      };
    } finally {
      await Promise.all(databases.map((db) => db.drop()));
      await rm(dir, { recursive: true, force: true });
    }
  },
};
