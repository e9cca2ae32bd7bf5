// The pure parts of before-after.ts: its flags, and the table and problem list it prints from
// the runs it took. Kept apart from the script so that a test can import them without running it.
import { parseArgs } from 'node:util';
import { table } from './context.js';
import { CLIENT_SATURATED, type LoadResult } from './load.js';
import { APPS, type AppName } from './processes.js';
import { fmt, summarize, type Summary } from './stats.js';

export type RouteName = 'write' | 'light';
export const ROUTES: readonly RouteName[] = ['write', 'light'];

/** What each route sends; `write` is issue 13's route, `light` the authenticated GET. */
export const ROUTE: Record<RouteName, { readonly title: string; readonly path: string }> = {
  write: { title: 'POST /v1/bots/echo/messages', path: '/v1/bots/echo/messages' },
  light: { title: 'GET /v1/bots', path: '/v1/bots' },
};

export type Tree = 'before' | 'after';
export const TREES: readonly Tree[] = ['before', 'after'];

export interface BeforeAfterOptions {
  /** The other checkout, already built. */
  readonly before: string;
  readonly apps: readonly AppName[];
  readonly routes: readonly RouteName[];
  readonly rounds: number;
  /** Whole seconds per measured run (autocannon counts whole seconds). */
  readonly durationS: number;
  readonly connections: number;
  readonly postgres: string;
  readonly out: string | undefined;
}

export const USAGE = `Usage: node --import tsx --conditions=@switchyard/source tools/bench/src/before-after.ts --before <dir> [flags]
  --before <dir>       another checkout of the repo, built (apps/<app>/dist/main.js)
  --apps <names>       comma-separated: ${APPS.join(', ')} (default: both)
  --routes <names>     comma-separated: ${ROUTES.join(', ')} (default: both)
  --rounds <n>         interleaved rounds, each runs before then after (default 5)
  --duration <s>       whole seconds per measured run (default 10)
  --connections <n>    connections of the load client (default 100)
  --postgres <url>     the PostgreSQL server; each app gets a database of its own there
                       (default TEST_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test)
  --out <file.md>      also write the report there`;

/** A comma list whose every item is one of `allowed`, in the order given, without repeats. */
function listOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = items.filter((i) => !(allowed as readonly string[]).includes(i));
  if (unknown.length || items.length === 0)
    throw new Error(`--${flag} wants some of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return [...new Set(items)] as T[];
}

function positiveInteger(flag: string, value: string): number {
  if (!/^[1-9][0-9]*$/.test(value))
    throw new Error(`--${flag} wants a whole number above 0, got ${JSON.stringify(value)}`);
  return Number(value);
}

/** Parses the flags; throws with a message naming the flag, and `help` asks for the usage. */
export function parseBeforeAfterArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): BeforeAfterOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      before: { type: 'string' },
      apps: { type: 'string', default: APPS.join(',') },
      routes: { type: 'string', default: ROUTES.join(',') },
      rounds: { type: 'string', default: '5' },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '100' },
      postgres: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  if (!values.before) throw new Error('--before <dir> is required: the other checkout, built');
  return {
    before: values.before,
    apps: listOf('apps', values.apps, APPS),
    routes: listOf('routes', values.routes, ROUTES),
    rounds: positiveInteger('rounds', values.rounds),
    durationS: positiveInteger('duration', values.duration),
    connections: positiveInteger('connections', values.connections),
    postgres:
      values.postgres ?? env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
    out: values.out,
  };
}

/** The runs of one app and route: one per round and tree, in the order they were taken. */
export interface Series {
  readonly app: AppName;
  readonly route: RouteName;
  /** Which client measured it, e.g. `wrk` or `autocannon`. */
  readonly client: string;
  readonly before: readonly LoadResult[];
  readonly after: readonly LoadResult[];
}

const failed = (r: LoadResult) => r.non2xx > 0 || r.errors > 0;

/** "median (min–max)" with a unit right after each number, e.g. `2.1× (1.9×–2.3×)`. */
function fmtRange(s: Summary, unit: string, digits = 3): string {
  if (s.n === 0) return 'n/a';
  const one = (v: number) => `${fmt(v, digits)}${unit}`;
  return s.n === 1 ? one(s.median) : `${one(s.median)} (${one(s.min)}–${one(s.max)})`;
}

/** The client's CPU in cores, marked ⚠ when it was probably the limit. */
function fmtCpu(runs: readonly LoadResult[]): string {
  const cpu = summarize(runs.map((r) => r.clientCpu)).median;
  return `${fmt(cpu, 2)}${cpu > CLIENT_SATURATED ? ' ⚠' : ''}`;
}

/**
 * One row per app and route: req/s (2xx answers only) and p99 of each tree, median (min–max)
 * over the rounds, and after ÷ before per round (the runs of a round are seconds apart, so the
 * machine's neighbours weigh on both alike). A figure whose runs had non-2xx answers or socket
 * errors is marked ✗; problemsOf() lists them.
 */
export function formatTable(series: readonly Series[]): string {
  return table(
    [
      'app',
      'route',
      'client',
      'before req/s',
      'after req/s',
      'after ÷ before',
      'p99 before',
      'p99 after',
      'client CPU (cores): before, after',
    ],
    series.map((s) => {
      const mark = (runs: readonly LoadResult[]) => (runs.some(failed) ? ' ✗' : '');
      const ratios = s.after.map((a, i) => a.rps / s.before[i]!.rps);
      return [
        s.app,
        ROUTE[s.route].title,
        s.client,
        fmtRange(summarize(s.before.map((r) => r.rps)), '') + mark(s.before),
        fmtRange(summarize(s.after.map((r) => r.rps)), '') + mark(s.after),
        fmtRange(summarize(ratios), '×') + mark([...s.before, ...s.after]),
        fmtRange(summarize(s.before.map((r) => r.p99)), ' ms'),
        fmtRange(summarize(s.after.map((r) => r.p99)), ' ms'),
        `${fmtCpu(s.before)}, ${fmtCpu(s.after)}`,
      ];
    }),
  );
}

/** One line per run that had non-2xx answers or socket errors, naming it; empty when none. */
export function problemsOf(series: readonly Series[]): string[] {
  const lines: string[] = [];
  for (const s of series) {
    for (const tree of TREES) {
      s[tree].forEach((r, round) => {
        if (failed(r))
          lines.push(
            `${s.app} (${tree}) ${ROUTE[s.route].title}, round ${round + 1}: ${r.non2xx} non-2xx answers and ${r.errors} socket errors out of ${r.total} responses`,
          );
      });
    }
  }
  return lines;
}

/** An argument as a POSIX shell reads it back: quoted only when it needs to be. */
export const shellQuote = (arg: string) =>
  /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
