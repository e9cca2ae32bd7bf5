// Two builds of the same app measured side by side in one run: another checkout's (the
// "before", e.g. a commit from before a performance change) and this tree's (the "after"). Each
// app runs from its build output on a PostgreSQL database of its own, created for the run and
// dropped at the end (on a failure and on Ctrl-C too), signs a user in, and takes load in turn:
// every round measures before then after on each route, so a busy neighbour weighs on both.
// Prints a markdown table (median (min–max) of the rounds) and exits 1 when any run had non-2xx
// answers or socket errors. See tools/bench/README.md, "Before and after a change".
//
//   node --import tsx --conditions=@switchyard/source tools/bench/src/before-after.ts \
//     --before /tmp/before [--apps express-api,fastify-api] [--routes write,light] \
//     [--rounds 5] [--duration 10] [--connections 100] [--postgres <url>] [--out <file.md>]
import { execFile } from 'node:child_process';
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  ROUTE,
  TREES,
  USAGE,
  formatTable,
  parseBeforeAfterArgs,
  problemsOf,
  shellQuote,
  type BeforeAfterOptions,
  type RouteName,
  type Series,
  type Tree,
} from './lib/before-after.js';
import { createDatabase } from './lib/fleet.js';
import { sharedEnv, signIn } from './lib/gateway.js';
import { CLIENT_SATURATED, type LoadJob, type LoadResult } from './lib/load.js';
import { describeMachine } from './lib/machine.js';
import { appEntry, spawnProc, WORKSPACE, type AppName, type Proc } from './lib/processes.js';
import { log, step } from './lib/progress.js';
import { loadClient, wrkInstalled, type LoadClient } from './lib/wrk.js';

const run = promisify(execFile);

/** Undone in reverse order at the end, however the run ends. */
const cleanups: Array<() => Promise<unknown>> = [];
let cleaning: Promise<void> | undefined;
const cleanup = () =>
  (cleaning ??= (async () => {
    for (const undo of cleanups.reverse()) await undo().catch(() => undefined);
  })());

/** `abc1234`, with ` (uncommitted changes)` when the checkout differs from it. */
async function revision(dir: string): Promise<string> {
  const { stdout: head } = await run('git', ['-C', dir, 'rev-parse', '--short', 'HEAD']);
  const { stdout: status } = await run('git', ['-C', dir, 'status', '--porcelain']);
  return `${head.trim()}${status.trim() ? ' (uncommitted changes)' : ''}`;
}

/** Refuses a missing build: the script measures build output, never sources. */
async function checkBuild(dir: string, app: AppName): Promise<void> {
  const entry = path.join(dir, appEntry(app));
  if (!(await stat(entry).catch(() => undefined)))
    throw new Error(
      `${entry} is missing: build it first (npx nx run-many -t build --projects=@switchyard/express-api,@switchyard/fastify-api in ${dir})`,
    );
}

interface Running {
  readonly proc: Proc;
  readonly token: string;
}

/**
 * One tree's build of the app on a new database. The echo bot and GET /v1/bots call no
 * upstream, so MODEL_URL and KNOWLEDGE_URL only have to pass the config check; sharedEnv's
 * settings exist in both trees' config schemas (an older schema ignores a setting it lacks,
 * but one it rejects would stop the app).
 */
async function start(
  app: AppName,
  tree: Tree,
  options: BeforeAfterOptions,
  beforeDir: string,
): Promise<Running> {
  const database = await createDatabase(options.postgres);
  cleanups.push(() => database.drop());
  const proc = await spawnProc(
    `${app} (${tree})`,
    appEntry(app),
    { ...sharedEnv('http://127.0.0.1:9'), DATABASE_URL: database.url },
    '/ready',
    undefined,
    tree === 'before' ? beforeDir : undefined,
  );
  cleanups.push(() => proc.stop());
  const user = await signIn(proc.url);
  return { proc, token: user.token };
}

function jobOf(route: RouteName, target: Running, options: BeforeAfterOptions): LoadJob {
  const common = {
    url: `${target.proc.url}${ROUTE[route].path}`,
    connections: options.connections,
    durationS: options.durationS,
  };
  const authorization = `Bearer ${target.token}`;
  return route === 'write'
    ? {
        ...common,
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'hello' }),
      }
    : { ...common, headers: { authorization } };
}

/** One request like the job's, to show what a failing run was answered (status and body). */
async function sample(job: LoadJob): Promise<string> {
  try {
    const res = await fetch(job.url, {
      method: job.method ?? 'GET',
      headers: job.headers ?? {},
      ...(job.body === undefined ? {} : { body: job.body }),
      signal: AbortSignal.timeout(10_000),
    });
    return `one more request answered ${res.status}: ${(await res.text()).slice(0, 200)}`;
  } catch (error) {
    return `one more request failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Runs every round and returns the report's table and notes; `failed` when a run had errors. */
async function measure(
  options: BeforeAfterOptions,
  beforeDir: string,
): Promise<{ lines: string[]; failed: boolean }> {
  const autocannon = loadClient('autocannon');
  cleanups.push(async () => autocannon.close());
  // wrk sends GETs only (a body needs a Lua script), so POSTs stay on autocannon.
  const wrk = wrkInstalled() ? loadClient('wrk') : undefined;
  if (wrk) cleanups.push(async () => wrk.close());
  const clientOf = (route: RouteName): [string, LoadClient] =>
    route === 'light' && wrk ? ['wrk', wrk] : ['autocannon', autocannon];
  const series: Series[] = [];
  const samples: string[] = [];
  for (const app of options.apps) {
    const targets = {} as Record<Tree, Running>;
    for (const tree of TREES)
      targets[tree] = await step(`start ${app} (${tree}) on a new database, sign in`, () =>
        start(app, tree, options, beforeDir),
      );
    const runs = options.routes.map((route) => ({
      route,
      client: clientOf(route),
      results: { before: [] as LoadResult[], after: [] as LoadResult[] },
    }));
    for (let round = 0; round < options.rounds; round++) {
      for (const { route, client, results } of runs) {
        for (const tree of TREES) {
          const job = jobOf(route, targets[tree], options);
          const label = `${app} (${tree}) ${ROUTE[route].title}, round ${round + 1}`;
          // One uncounted second first, so that both builds are measured optimised.
          if (round === 0) {
            const warm = await step(`${label}: warm-up`, () =>
              client[1].run({ ...job, durationS: 1 }),
            );
            // Not counted either way; the measured run that follows says whether it fails too.
            if (warm.non2xx || warm.errors)
              log(`  the warm-up had ${warm.non2xx} non-2xx answers and ${warm.errors} errors`);
          }
          const result = await step(
            label,
            () => client[1].run(job),
            (r) => `${Math.round(r.rps)} req/s`,
          );
          results[tree].push(result);
          if (result.non2xx || result.errors) samples.push(`${label}: ${await sample(job)}`);
        }
      }
    }
    for (const { route, client, results } of runs)
      series.push({ app, route, client: client[0], ...results });
    await Promise.all(TREES.map((tree) => targets[tree].proc.stop()));
  }
  const lines = [
    `${formatTable(series)}`,
    '',
    `req/s counts 2xx answers only; after ÷ before is taken per round (median (min–max) over ${options.rounds}). Client CPU above ${CLIENT_SATURATED} of a core (⚠) means the client, not the server, was probably the limit.`,
  ];
  const problems = problemsOf(series);
  if (problems.length)
    lines.push(
      '',
      '**Failed runs** (✗ in the table): their non-2xx answers and errors are not in req/s.',
      '',
      ...problems.map((p) => `- ${p}`),
      ...samples.map((s) => `- ${s}`),
    );
  return { lines, failed: problems.length > 0 };
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const options = parseBeforeAfterArgs(argv);
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  const beforeDir = path.resolve(options.before);
  for (const app of options.apps) {
    await checkBuild(beforeDir, app);
    await checkBuild(WORKSPACE, app);
  }
  const server = new URL(options.postgres);
  server.password = '';
  const script = path.relative(process.cwd(), process.argv[1]!);
  const command = ['node', ...process.execArgv, script, ...argv].map(shellQuote).join(' ');
  const header = [
    `# Before and after: ${options.apps.join(', ')}`,
    '',
    `- Machine: ${describeMachine()}`,
    `- Node: ${process.version}`,
    `- Before: ${beforeDir} at ${await revision(beforeDir)}`,
    `- After: ${WORKSPACE.replace(/\/$/, '')} at ${await revision(WORKSPACE)}`,
    `- Database: PostgreSQL at ${server.href}, a new database per app process`,
    `- Load: ${options.connections} connections, ${options.rounds} interleaved round(s) of ${options.durationS} s per build and route (before, then after), after a 1 s warm-up each; autocannon for POSTs, ${wrkInstalled() ? 'wrk -t1' : 'autocannon'} for GETs`,
    `- Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    'Produced by:',
    '',
    '```sh',
    command,
    '```',
    '',
  ];
  const { lines, failed } = await measure(options, beforeDir);
  const report = [...header, ...lines, ''].join('\n');
  process.stdout.write(report);
  if (options.out) {
    await writeFile(options.out, report);
    log(`Wrote ${options.out}`);
  }
  return failed ? 1 : 0;
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the apps and dropping their databases`);
    void cleanup().finally(() => process.exit(code));
  });
}

try {
  process.exitCode = await main();
} catch (error) {
  log(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
} finally {
  await cleanup();
}
