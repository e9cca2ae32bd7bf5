// The bench: measures apps/express-api against apps/fastify-api in one run and rewrites
// docs/benchmarks.md and docs/benchmarks/*.svg. See tools/bench/README.md for the flags.
import { mkdtemp, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { Context, Options, Scenario, Section } from './lib/context.js';
import { startUpstream } from '@switchyard/testing';
import { SLOW_UPSTREAM_MS } from './lib/context.js';
import { Fleet } from './lib/fleet.js';
import { describeMachine } from './lib/machine.js';
import { APPS, appEntry, DataDirs, WORKSPACE } from './lib/processes.js';
import {
  defaultMajors,
  parseMajors,
  parseNodePaths,
  resolveNode,
  type NodeBinary,
} from './lib/node-versions.js';
import { log, step } from './lib/progress.js';
import { writeReport } from './lib/report.js';
import { parseClients } from './lib/wrk.js';
import { attribution } from './scenarios/attribution.js';
import { blocking } from './scenarios/blocking.js';
import { coldStart } from './scenarios/cold-start.js';
import { dispatch } from './scenarios/dispatch.js';
import { fanout } from './scenarios/fanout.js';
import { nodeVersions } from './scenarios/node-versions.js';
import { startup } from './scenarios/startup.js';
import { scanScenario } from './scenarios/scan.js';
import { scale } from './scenarios/scale.js';
import { shadow } from './scenarios/shadow.js';
import { threadpool } from './scenarios/threadpool.js';
import { throughput } from './scenarios/throughput.js';

export const scenarios: readonly Scenario[] = [
  fanout,
  blocking,
  throughput,
  dispatch,
  startup,
  attribution,
  nodeVersions,
  threadpool,
  scanScenario,
  scale,
  shadow,
  coldStart,
];

const USAGE = `Usage: node --import tsx --conditions=@switchyard/source tools/bench/src/main.ts [flags]
  --quick            fewer, shorter runs (the whole run in under two minutes)
  --smoke            each scenario for a second or two; writes to a temp dir unless --out is given
  --only <ids>       comma-separated scenario ids: ${scenarios.map((s) => s.id).join(', ')}
  --out <dir>        where benchmarks.md and benchmarks/*.svg go (default: docs/)
  --rounds <n>       interleaved runs per figure (default 5, --quick 3, --smoke 1)
  --duration <s>     whole seconds per load run (default 10, --quick 1, --smoke 1)
  --postgres <url>   PostgreSQL server for the database variants
                     (default TEST_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test)
  --node <majors>    Node versions for the node scenario, e.g. 20,22,24,26 (default: this
                     Node, 24 and 26, and 22 in full runs; --smoke: this Node and one cached)
  --node-path <m=p>  the binary for a major, e.g. 24=/opt/node24/bin/node (repeatable, or
                     comma-separated); else the cache, else fetched from the npm registry
  --client <c>       load client: autocannon or wrk, for all scenarios or per scenario
                     (node=wrk,throughput=autocannon); default autocannon, and wrk for the
                     node scenario and the light routes of throughput when wrk is installed`;

async function parseOptions(argv: string[]): Promise<Options & { postgres: string }> {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string' },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      postgres: { type: 'string' },
      node: { type: 'string' },
      'node-path': { type: 'string', multiple: true },
      client: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const mode = values.smoke ? 'smoke' : values.quick ? 'quick' : 'full';
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : [];
  const unknown = only.filter((id) => !scenarios.some((s) => s.id === id));
  if (unknown.length) throw new Error(`Unknown scenario ${unknown.join(', ')}\n${USAGE}`);
  const out = values.out
    ? path.resolve(values.out)
    : mode === 'smoke'
      ? await mkdtemp(path.join(tmpdir(), 'switchyard-bench-out-'))
      : path.join(WORKSPACE, 'docs');
  return {
    mode,
    only,
    out,
    rounds: Number(values.rounds ?? { full: 5, quick: 3, smoke: 1 }[mode]),
    durationS: Number(values.duration ?? { full: 10, quick: 1, smoke: 1 }[mode]),
    warmupRequests: { full: 0, quick: 300, smoke: 100 }[mode],
    command: `npx nx run @switchyard/bench:bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    nodes:
      only.length && !only.includes('node')
        ? []
        : await resolveNodes(mode, values.node, values['node-path'] ?? []),
    clients: parseClients(values.client),
    postgres:
      values.postgres ??
      process.env['TEST_DATABASE_URL'] ??
      'postgres://postgres@127.0.0.1:5432/test',
  };
}

/** The node scenario's binaries, resolved (and fetched when missing) before anything starts. */
async function resolveNodes(
  mode: Options['mode'],
  majors: string | undefined,
  paths: readonly string[],
): Promise<NodeBinary[]> {
  const wanted = majors ? parseMajors(majors) : await defaultMajors(mode);
  const given = parseNodePaths(paths);
  const nodes: NodeBinary[] = [];
  for (const major of wanted.sort((a, b) => a - b)) {
    nodes.push(
      await step(`resolve Node ${major}`, () =>
        resolveNode(major, { paths: given, allowFetch: mode !== 'smoke' || !!majors }),
      ),
    );
  }
  log(`  Node versions: ${nodes.map((n) => `${n.version} (${n.source})`).join(', ')}`);
  return nodes;
}

/**
 * The apps run from their build output. `npx nx run @switchyard/bench:bench` builds them first;
 * run directly, the bench refuses a missing build and warns about one older than its sources.
 */
async function checkBuilds(): Promise<void> {
  const newest = async (dir: string): Promise<number> => {
    let max = 0;
    for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.ts'))
        max = Math.max(max, (await stat(path.join(entry.parentPath, entry.name))).mtimeMs);
    }
    return max;
  };
  const sources = Math.max(
    ...(await Promise.all(
      ['apps/express-api', 'apps/fastify-api', 'libs/domain', 'libs/router'].map((p) =>
        newest(path.join(WORKSPACE, p, 'src')),
      ),
    )),
  );
  for (const app of APPS) {
    const built = await stat(path.join(WORKSPACE, appEntry(app))).catch(() => undefined);
    if (!built)
      throw new Error(
        `${appEntry(app)} is missing: run \`npx nx run-many -t build -p @switchyard/express-api @switchyard/fastify-api\` or use \`npx nx run @switchyard/bench:bench\`, which builds first.`,
      );
    if (built.mtimeMs < sources)
      log(`  warning: ${appEntry(app)} is older than the sources; the bench measures the build.`);
  }
}

async function postgresAnswers(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return url;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function main(): Promise<number> {
  const began = performance.now();
  const options = await parseOptions(process.argv.slice(2));
  await checkBuilds();
  const selected = scenarios.filter((s) => !options.only.length || options.only.includes(s.id));
  log(
    `@switchyard/bench: ${options.mode} mode, ${selected.length} scenario(s), report in ${options.out}`,
  );
  const postgresUrl = await postgresAnswers(options.postgres);
  if (!postgresUrl)
    log(`  PostgreSQL at ${options.postgres} did not answer: its variants are skipped`);
  const dataDirs = new DataDirs();
  const upstream = await startUpstream({ port: 0, latencyMs: 0, logSize: 10 });
  const slow = await startUpstream({ port: 0, latencyMs: SLOW_UPSTREAM_MS, logSize: 10 });
  const base = {
    options,
    dataDirs,
    postgresUrl,
    upstreamUrl: upstream.url,
    slowUpstreamUrl: slow.url,
  };
  const fleet = new Fleet(base);
  const context: Context = { ...base, fleet };
  const bySection = new Map<string, Section>();
  const failures: Array<{ id: string; title: string; error: string }> = [];
  // Scenarios on the fleet run first, with every app started up front; the ones that spawn
  // their own short-lived processes (dispatch, startup, coldstart) run after the fleet has stopped.
  const onFleet = selected.filter((s) => s.needs);
  const order = [...onFleet, ...selected.filter((s) => !s.needs)];
  try {
    const specs = onFleet.flatMap((s) => s.needs!(context));
    if (specs.length) {
      await step(
        `start the apps under test (${new Set(specs.map((s) => JSON.stringify(s))).size}), a few at a time`,
        () => fleet.prestart(specs),
      ).catch((error: unknown) => {
        // A scenario that needs an app that failed to start fails on its own below.
        log(`  ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      });
    }
    for (const scenario of order) {
      try {
        bySection.set(
          scenario.id,
          await step(`scenario ${scenario.id}: ${scenario.title}`, () => scenario.run(context)),
        );
      } catch (error) {
        failures.push({
          id: scenario.id,
          title: scenario.title,
          error: error instanceof Error ? error.message.split('\n')[0]! : String(error),
        });
      }
      if (scenario === onFleet.at(-1)) await fleet.stopAll();
    }
  } finally {
    await fleet.stopAll();
    await Promise.all([upstream.close(), slow.close()]);
    await dataDirs.cleanup();
  }
  const sections = selected.flatMap((s) => bySection.get(s.id) ?? []);
  const file = await writeReport({
    options,
    machine: describeMachine(),
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    wallS: (performance.now() - began) / 1000,
    sections,
    failures,
  });
  log(`Wrote ${file} in ${((performance.now() - began) / 1000).toFixed(1)} s`);
  for (const s of sections)
    for (const t of s.targets) log(`  ${t.met ? '✓' : '✗'} ${s.title}: ${t.text} — ${t.figure}`);
  if (failures.length) log(`Failed: ${failures.map((f) => f.id).join(', ')}`);
  return failures.length ? 1 : 0;
}

process.exitCode = await main();
