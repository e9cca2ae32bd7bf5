// The bounded load run of the reliability suite: each app, as one process and as a cluster
// (WEB_CONCURRENCY), under mixed routes for a fixed time; zero errors besides the intended 429s,
// p99 and RSS reported, then every acknowledged message looked up in the database.
// See tools/bench/README.md ("Load run"); test/load.test.ts is the short CI version.
import { mkdir, mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { TEST_DATABASE_URL } from '@switchyard/persistence/testing';
import {
  LOAD_APPS,
  LOAD_MODES,
  runLoadCase,
  type LoadApp,
  type LoadCaseResult,
  type LoadMode,
} from './lib/load-run.js';
import { SCHEDULE } from './lib/mixed-load.js';
import { describeMachine } from './lib/machine.js';
import { WORKSPACE } from './lib/processes.js';
import { log, step } from './lib/progress.js';
import { fmt } from './lib/stats.js';

const USAGE = `Usage: npx nx run @switchyard/bench:load -- [flags]
  --duration <s>      seconds of load per app and mode (default 60)
  --connections <n>   autocannon connections (default 100)
  --apps <list>       comma-separated, default ${LOAD_APPS.join(',')}
  --modes <list>      single,cluster (default both; every single run comes first)
  --workers <n>       WEB_CONCURRENCY in cluster mode (default 2)
  --accounts <n>      accounts signed up before each run (default 10; sign-ups are limited to 20 a minute)
  --latency <ms>      the upstream stand-in's latency (default 5)
  --postgres <url>    server where each run gets a database of its own (default TEST_DATABASE_URL)
  --keep-db           do not drop the databases afterwards
  --out <dir>         where load.md and load.json go (default: a new temp dir)`;

const list = <T extends string>(value: string | undefined, all: readonly T[], what: string) => {
  if (!value) return all;
  const picked = value.split(',').map((s) => s.trim()) as T[];
  const bad = picked.filter((p) => !all.includes(p));
  if (bad.length) throw new Error(`Unknown ${what} ${bad.join(', ')}\n${USAGE}`);
  return picked;
};

async function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string', default: '60' },
      connections: { type: 'string', default: '100' },
      apps: { type: 'string' },
      modes: { type: 'string' },
      workers: { type: 'string', default: '2' },
      accounts: { type: 'string', default: '10' },
      latency: { type: 'string', default: '5' },
      postgres: { type: 'string' },
      'keep-db': { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (name: string, value: string, min: number, max: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`--${name} must be an integer from ${min} to ${max}\n${USAGE}`);
    return n;
  };
  return {
    durationS: int('duration', values.duration, 1, 3600),
    connections: int('connections', values.connections, 1, 10_000),
    apps: list<LoadApp>(values.apps, LOAD_APPS, 'app'),
    modes: list<LoadMode>(values.modes, LOAD_MODES, 'mode'),
    workers: int('workers', values.workers, 2, 64),
    accounts: int('accounts', values.accounts, 1, 15),
    latencyMs: int('latency', values.latency, 0, 10_000),
    adminUrl: values.postgres ?? TEST_DATABASE_URL,
    keepDatabase: values['keep-db'],
    out: values.out
      ? path.resolve(values.out)
      : await mkdtemp(path.join(tmpdir(), 'switchyard-load-')),
    command: `npx nx run @switchyard/bench:load${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
  };
}

const mb = (bytes: number) => `${fmt(bytes / 2 ** 20)} MB`;
const ms = (value: number) => `${fmt(value)} ms`;

export const TABLE_HEAD = [
  'app',
  'mode',
  'workers',
  'requests',
  'req/s',
  '2xx',
  '429 (log-in)',
  'errors',
  'p50',
  'p99',
  'RSS peak',
  'RSS end',
  'messages checked',
  'lost',
  'twice',
  'unanswered (stored)',
];

export function tableRow(r: LoadCaseResult): string[] {
  return [
    r.app,
    r.mode,
    String(r.workers),
    r.responses.toLocaleString('en-US'),
    fmt(r.rps),
    r.ok.toLocaleString('en-US'),
    r.intended429.toLocaleString('en-US'),
    String(r.errors),
    ms(r.p50),
    ms(r.p99),
    mb(r.rss.peak),
    mb(r.rss.end),
    r.noLoss.checked.toLocaleString('en-US'),
    String(r.noLoss.lost),
    String(r.noLoss.duplicated),
    `${r.noLoss.unansweredChecked} (${r.noLoss.unansweredStored})`,
  ];
}

export function markdownTable(head: readonly string[], rows: readonly string[][]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

function textTable(head: readonly string[], rows: readonly string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function details(r: LoadCaseResult): string {
  const routes = Object.keys(r.sent).map((kind) => {
    const k = kind as keyof typeof r.sent;
    const statuses = Object.entries(r.statuses[k])
      .map(([status, n]) => `${status} ×${n.toLocaleString('en-US')}`)
      .join(', ');
    return `| ${kind} | ${r.sent[k].toLocaleString('en-US')} | ${statuses || '—'} |`;
  });
  return [
    `### ${r.app}, ${r.mode}${r.mode === 'cluster' ? ` (WEB_CONCURRENCY=${r.requestedWorkers})` : ''}`,
    '',
    `${r.problems.length ? `**Failed:** ${r.problems.join('; ')}.` : 'Passed.'} ${r.connections} connections for ${fmt(r.durationS)} s, ${r.accounts} accounts, ${r.workers} worker process(es); RSS idle ${mb(r.rss.idle)}, peak ${mb(r.rss.peak)}, end ${mb(r.rss.end)} (app and workers, ${r.rss.samples} samples); p50 ${ms(r.p50)}, p99 ${ms(r.p99)}, max ${ms(r.maxLatency)} (2xx); client CPU ${fmt(r.clientCpu)} cores; machine load average ${fmt(r.loadAverage)} at the end.`,
    '',
    '| route | sent | responses by status |',
    '| --- | --- | --- |',
    ...routes,
    '',
    `No-loss check: ${r.noLoss.checked} acknowledged messages looked up, ${r.noLoss.lost} lost, ${r.noLoss.repliesLost} replies lost, ${r.noLoss.duplicated} stored twice, ${r.noLoss.unknown} unknown, ${r.noLoss.inconsistentConversations} inconsistent conversations; ${r.noLoss.unansweredChecked} unanswered (timed out, cut off or in flight at the end), ${r.noLoss.unansweredStored} of them stored. Socket errors ${r.socketErrors} (timeouts ${r.timeouts}), never answered ${r.silentDrops}.`,
    ...(r.notes.length ? ['', ...r.notes.map((n) => `- ${n}`)] : []),
    ...(r.noLoss.examples.length ? ['', ...r.noLoss.examples.map((e) => `- ${e}`)] : []),
    ...(Object.keys(r.errorLogs).length
      ? [
          '',
          'App log lines at level error or worse:',
          '',
          ...Object.entries(r.errorLogs).map(([what, n]) => `- ×${n}: ${what}`),
        ]
      : []),
  ].join('\n');
}

async function main(): Promise<number> {
  const options = await parseOptions(process.argv.slice(2));
  for (const app of options.apps) {
    await stat(path.join(WORKSPACE, `apps/${app}/dist/main.js`)).catch(() => {
      throw new Error(
        `apps/${app}/dist/main.js is missing: use \`npx nx run @switchyard/bench:load\`, which builds the apps first.`,
      );
    });
  }
  log(
    `@switchyard/bench load: ${options.apps.join(', ')} × ${options.modes.join(', ')}, ${options.durationS} s at ${options.connections} connections each; report in ${options.out}`,
  );
  const results: LoadCaseResult[] = [];
  for (const mode of options.modes) {
    for (const app of options.apps) {
      const result = await step(
        `${app} ${mode}`,
        () =>
          runLoadCase({
            app,
            mode,
            durationS: options.durationS,
            connections: options.connections,
            accounts: options.accounts,
            workers: options.workers,
            upstreamLatencyMs: options.latencyMs,
            adminUrl: options.adminUrl,
            keepDatabase: options.keepDatabase,
          }),
        (r) =>
          `${r.responses} requests, ${r.errors} errors, ${r.noLoss.checked} messages checked${r.problems.length ? ` — FAILED: ${r.problems.join('; ')}` : ''}`,
      );
      results.push(result);
    }
  }

  const rows = results.map(tableRow);
  console.log(`\n${textTable(TABLE_HEAD, rows)}\n`);
  const failed = results.filter((r) => r.problems.length);
  const mix = Object.entries(
    SCHEDULE.reduce<Record<string, number>>((acc, k) => ({ ...acc, [k]: (acc[k] ?? 0) + 1 }), {}),
  )
    .map(([k, n]) => `${k} ${(n / SCHEDULE.length) * 100} %`)
    .join(', ');
  const report = [
    '# Load run',
    '',
    `Command: \`${options.command}\``,
    '',
    `Machine: ${describeMachine()}. Run at ${new Date().toISOString()}.`,
    '',
    `Each app from its build (\`apps/<app>/dist/main.js\`) on a new PostgreSQL database, the upstream stand-in answering after ${options.latencyMs} ms, RATE_LIMIT_MAX at its default (20 per minute, client and route), ${options.accounts} accounts signed up and logged in before the load. Mix per lap of ${SCHEDULE.length} requests: ${mix}; every message text unique. Errors: any status other than 2xx and the log-in's 429, every socket error and timeout, and any request never answered. p50/p99: 2xx responses. RSS: VmRSS of the app and its workers summed, sampled every 500 ms.`,
    '',
    markdownTable(TABLE_HEAD, rows),
    '',
    failed.length ? `**${failed.length} case(s) failed.**` : 'Every case passed.',
    '',
    ...results.map((r) => `${details(r)}\n`),
  ].join('\n');
  await mkdir(options.out, { recursive: true });
  await writeFile(path.join(options.out, 'load.md'), report);
  await writeFile(
    path.join(options.out, 'load.json'),
    `${JSON.stringify({ command: options.command, machine: describeMachine(), results }, null, 2)}\n`,
  );
  log(`Wrote ${path.join(options.out, 'load.md')} and load.json`);
  for (const r of failed) log(`FAILED ${r.app} ${r.mode}: ${r.problems.join('; ')}`);
  return failed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
