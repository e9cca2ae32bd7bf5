// The bench: measures apps/express-api against apps/fastify-api in one run and rewrites
// docs/benchmarks.md and docs/benchmarks/*.svg. See tools/bench/README.md for the flags.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { Context, Options, Scenario, Section } from './lib/context.js';
import { startUpstream } from '@switchyard/upstream';
import { stopDefaultPair } from './lib/gateway.js';
import { describeMachine } from './lib/machine.js';
import { DataDirs, WORKSPACE } from './lib/processes.js';
import { log, step } from './lib/progress.js';
import { writeReport } from './lib/report.js';
import { attribution } from './scenarios/attribution.js';
import { blocking } from './scenarios/blocking.js';
import { dispatch } from './scenarios/dispatch.js';
import { fanout } from './scenarios/fanout.js';
import { startup } from './scenarios/startup.js';
import { throughput } from './scenarios/throughput.js';

export const scenarios: readonly Scenario[] = [
  fanout,
  blocking,
  throughput,
  dispatch,
  startup,
  attribution,
];

/** Scenarios that measure the apps started once with their defaults (see defaultPair). */
const USES_DEFAULT_PAIR = new Set(['blocking', 'throughput']);

const USAGE = `Usage: node --import tsx --conditions=@switchyard/source tools/bench/src/main.ts [flags]
  --quick            fewer, shorter runs (the whole run in about two minutes)
  --smoke            each scenario for a second or two; writes to a temp dir unless --out is given
  --only <ids>       comma-separated scenario ids: ${scenarios.map((s) => s.id).join(', ')}
  --out <dir>        where benchmarks.md and benchmarks/*.svg go (default: docs/)
  --rounds <n>       interleaved runs per figure (default 5, --quick 3, --smoke 1)
  --duration <s>     seconds per load run (default 10, --quick 2, --smoke 1)
  --postgres <url>   PostgreSQL server for the database variants
                     (default TEST_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test)`;

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
    durationS: Number(values.duration ?? { full: 10, quick: 2, smoke: 1 }[mode]),
    command: `npx nx run @switchyard/bench:bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    postgres:
      values.postgres ??
      process.env['TEST_DATABASE_URL'] ??
      'postgres://postgres@127.0.0.1:5432/test',
  };
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
  const selected = scenarios.filter((s) => !options.only.length || options.only.includes(s.id));
  log(
    `@switchyard/bench: ${options.mode} mode, ${selected.length} scenario(s), report in ${options.out}`,
  );
  const postgresUrl = await postgresAnswers(options.postgres);
  if (!postgresUrl)
    log(`  PostgreSQL at ${options.postgres} did not answer: its variants are skipped`);
  const dataDirs = new DataDirs();
  const upstream = await startUpstream({ port: 0, latencyMs: 0, logSize: 10 });
  const context: Context = { options, dataDirs, postgresUrl, upstreamUrl: upstream.url };
  const sections: Section[] = [];
  const failures: Array<{ id: string; title: string; error: string }> = [];
  try {
    for (const [i, scenario] of selected.entries()) {
      try {
        sections.push(
          await step(`scenario ${scenario.id}: ${scenario.title}`, () => scenario.run(context)),
        );
        // The shared pair of apps idles through later scenarios: stop it once nobody needs it.
        if (!selected.slice(i + 1).some((s) => USES_DEFAULT_PAIR.has(s.id)))
          await stopDefaultPair();
      } catch (error) {
        failures.push({
          id: scenario.id,
          title: scenario.title,
          error: error instanceof Error ? error.message.split('\n')[0]! : String(error),
        });
      }
    }
  } finally {
    await stopDefaultPair();
    await upstream.close();
    await dataDirs.cleanup();
  }
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
