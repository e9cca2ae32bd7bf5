// Where does an app's time go on the light route? This starts fastify-api or express-api from
// its build output under `--cpu-prof` (on the PostgreSQL server when DATABASE_URL is set, else on
// a PGlite data dir copied from a template), signs a user in, loads GET /v1/bots with wrk (100
// connections), and does the same with the app's own framework's bare hello-world
// (src/ceilings/) on the same Node. It prints markdown: per app and Node version, the self time
// per request by group (helmet, logging, hooks, the unknown-route hook, serialization, auth, the
// database, the framework, Node's http) beside the bare framework's, then the top functions.
// With --rounds, it also measures both without the profiler, interleaved, for the ratio.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
//   node --import tsx --conditions=@switchyard/source tools/bench/src/profile-apps.ts \
//     [--apps fastify-api,express-api] [--node 20,24] [--duration 5] [--top 12] [--rounds 3]
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { spawnApp, type SpawnedApp } from '@switchyard/testing';
import { table } from './lib/context.js';
import {
  GROUPS,
  byGroup,
  groupOf,
  monotonicUs,
  selfTimes,
  type Group,
  type Window,
} from './lib/cpu-profile.js';
import { sharedEnv, signIn } from './lib/gateway.js';
import { describeMachine } from './lib/machine.js';
import { parseMajors, resolveNode, type NodeBinary } from './lib/node-versions.js';
import { APPS, DataDirs, appEntry, type AppName } from './lib/processes.js';
import { fmt, fmtSummary, summarize } from './lib/stats.js';
import { WrkClient } from './lib/wrk.js';

const CONNECTIONS = 100;

/** Each app's own framework, bare: the ceiling its light route is compared with. */
const CEILING: Record<AppName, { name: string; entry: string; env: Record<string, string> }> = {
  'fastify-api': {
    name: 'bare Fastify',
    entry: 'tools/bench/src/ceilings/fastify-hello.mjs',
    env: {},
  },
  'express-api': {
    name: 'bare Express 5',
    entry: 'tools/bench/src/ceilings/express-hello.mjs',
    env: { EXPRESS_MODULE: 'express' },
  },
};

/** An app to measure: its name, and the build to run (its dist/ unless another is given). */
interface AppRun {
  readonly app: AppName;
  readonly entry: string;
  /** The app's name, with the entry when it is not the app's own dist/main.js. */
  readonly label: string;
}

/** `fastify-api`, or `fastify-api=<entry>` for another build of it (a before/after in one run). */
export function parseApps(value: string): AppRun[] {
  return value.split(',').map((item) => {
    const [name, entry] = item.split('=') as [string, string | undefined];
    if (!(APPS as readonly string[]).includes(name))
      throw new Error(`unknown app ${name}: ${APPS.join(', ')}`);
    const app = name as AppName;
    return entry
      ? { app, entry, label: `${app} (${entry})` }
      : { app, entry: appEntry(app), label: app };
  });
}

interface Target {
  readonly name: string;
  readonly proc: SpawnedApp;
  readonly url: string;
  readonly headers: Record<string, string>;
}

interface Profiled {
  readonly rps: number;
  readonly requests: number;
  readonly busy: number;
  /** The main thread's share of the window spent running code (the rest: idle, waiting). */
  readonly busyShare: number;
  readonly byFunction: Map<string, number>;
}

interface Settings {
  readonly databaseUrl: string | undefined;
  readonly dataDirs: DataDirs;
  readonly logLevel: string;
}

/** The app from its build output, signed in; or the bare framework. */
async function start(
  node: NodeBinary,
  run: AppRun,
  which: 'app' | 'ceiling',
  settings: Settings,
  nodeArgs: readonly string[],
): Promise<Target> {
  const { app } = run;
  if (which === 'ceiling') {
    const ceiling = CEILING[app];
    const proc = await spawnApp({
      execPath: node.bin,
      name: `${ceiling.name} on ${node.version}`,
      entry: ceiling.entry,
      nodeArgs,
      env: ceiling.env,
      keepChunks: 100,
      ready: { path: '/', timeoutMs: 30_000, intervalMs: 20 },
    });
    return { name: ceiling.name, proc, url: `${proc.url}/`, headers: {} };
  }
  const db: Record<string, string> = settings.databaseUrl
    ? { DATABASE_URL: settings.databaseUrl }
    : { PGLITE_DATA_DIR: await settings.dataDirs.copy() };
  const proc = await spawnApp({
    execPath: node.bin,
    name: `${run.label} on ${node.version}`,
    entry: run.entry,
    nodeArgs,
    // The light route calls no upstream: any URL passes the config check.
    env: { ...sharedEnv('http://127.0.0.1:9'), LOG_LEVEL: settings.logLevel, ...db },
    keepChunks: 100,
    ready: { path: '/ready', timeoutMs: 90_000, intervalMs: 20 },
  });
  try {
    const user = await signIn(proc.url);
    return {
      name: run.label,
      proc,
      url: `${proc.url}/v1/bots`,
      headers: { authorization: `Bearer ${user.token}` },
    };
  } catch (error) {
    await proc.stop();
    throw error;
  }
}

/**
 * A 1 s warm-up (so the code is optimised), then `durationS` of load, timed on the monotonic
 * clock so that the profile can be cut to it; any answer but a 2xx fails the run.
 */
async function load(wrk: WrkClient, target: Target, durationS: number) {
  const job = { url: target.url, headers: target.headers, connections: CONNECTIONS };
  await wrk.run({ ...job, durationS: 1 });
  const pid = target.proc.child.pid!;
  const cpuBefore = await cpuSeconds(pid);
  const from = monotonicUs();
  const measured = await wrk.run({ ...job, durationS });
  const window: Window = { from, to: monotonicUs() };
  const cpu = (await cpuSeconds(pid)) - cpuBefore;
  if (measured.non2xx || measured.errors)
    throw new Error(`${target.name}: ${measured.non2xx} non-2xx, ${measured.errors} errors`);
  return {
    rps: measured.rps,
    requests: measured.total,
    window,
    cpuUsPerRequest: (cpu * 1e6) / measured.total,
    clientCpu: measured.clientCpu,
  };
}

/** Clock ticks per second of /proc's times (100 on every Linux this runs on). */
const CLK_TCK = 100;

/**
 * The process's CPU (user + system, every thread) from /proc/<pid>/stat, in seconds: what the
 * server itself spent, whatever else the machine was doing meanwhile (req/s on a loaded machine
 * also measures the neighbours).
 */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command (field 2) is in parentheses and may hold spaces: count from after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3, so field n is fields[n - 3]: utime is 14, stime 15.
  return (Number(fields[14 - 3]) + Number(fields[15 - 3])) / CLK_TCK;
}

async function profileOne(
  node: NodeBinary,
  run: AppRun,
  which: 'app' | 'ceiling',
  settings: Settings,
  durationS: number,
  dir: string,
): Promise<Profiled> {
  const out = await mkdtemp(path.join(dir, `${run.app}-${which}-${node.major}-`));
  const target = await start(node, run, which, settings, ['--cpu-prof', '--cpu-prof-dir', out]);
  const wrk = new WrkClient();
  const { rps, requests, window } = await load(wrk, target, durationS)
    .catch(async (error: unknown) => {
      await target.proc.stop();
      throw error;
    })
    .finally(() => wrk.close());
  // SIGTERM: the app shuts down gracefully and exits, which writes the profile.
  const exit = await target.proc.stop();
  if (exit.code !== 0) throw new Error(`${target.proc.name} exited ${exit.code ?? exit.signal}`);
  const [file] = (await readdir(out)).filter((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`${target.proc.name} wrote no profile in ${out}`);
  const { byFunction, idle } = selfTimes(
    JSON.parse(await readFile(path.join(out, file), 'utf8')),
    window,
  );
  const busy = [...byFunction.values()].reduce((a, b) => a + b, 0);
  return { rps, requests, busy, busyShare: busy / (busy + idle), byFunction };
}

/** µs per request of one group or function, and its share of the busy time. */
const perRequest = (p: Profiled, us: number) =>
  `${fmt(us / p.requests)} µs (${fmt((us / p.busy) * 100, 2)} %)`;

function report(node: NodeBinary, run: AppRun, appRun: Profiled, bare: Profiled, top: number) {
  const { app, label } = run;
  const groups = byGroup(appRun.byFunction);
  const bareGroups = byGroup(bare.byFunction);
  const lines: string[] = [];
  lines.push(
    `**${label} on Node ${node.version}**, GET /v1/bots: ${fmt(appRun.rps)} req/s under the profiler, ${fmt(appRun.busy / appRun.requests)} µs of main-thread time per request (busy ${fmt(appRun.busyShare * 100, 2)} % of the window); ${CEILING[app].name}: ${fmt(bare.rps)} req/s, ${fmt(bare.busy / bare.requests)} µs per request, busy ${fmt(bare.busyShare * 100, 2)} % (the measured window only).`,
  );
  lines.push('');
  lines.push(
    table(
      ['group (self time)', `${label}: per request (share)`, CEILING[app].name, 'top functions'],
      GROUPS.filter((g) => (groups.get(g) ?? 0) > 0 || (bareGroups.get(g) ?? 0) > 0).map((g) => [
        g,
        perRequest(appRun, groups.get(g)!),
        perRequest(bare, bareGroups.get(g)!),
        topOf(appRun.byFunction, g, 3)
          .map(([k]) => `\`${k}\``)
          .join(', '),
      ]),
    ),
  );
  lines.push('');
  const ordered = [...appRun.byFunction.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  lines.push(
    table(
      ['function (self time)', 'group', 'per request (share)'],
      ordered.map(([k, us]) => [`\`${k}\``, groupOf(k), perRequest(appRun, us)]),
    ),
  );
  return lines.join('\n');
}

function topOf(byFunction: ReadonlyMap<string, number>, group: Group, n: number) {
  return [...byFunction.entries()]
    .filter(([k]) => groupOf(k) === group)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n);
}

/**
 * Without the profiler: each app and its bare framework (one per app and Node version, shared
 * by the builds of the same app), interleaved: every round measures every server once, so the
 * ratios come from runs a few seconds apart. Two figures per ratio: req/s, and CPU time per
 * request from /proc (bare ÷ app), which a loaded machine disturbs far less.
 */
async function ratios(
  nodes: readonly NodeBinary[],
  runs: readonly AppRun[],
  settings: Settings,
  rounds: number,
  durationS: number,
): Promise<string> {
  type Sample = { rps: number[]; cpu: number[]; clientCpu: number[] };
  const servers: Array<{ key: string; target: Target }> = [];
  const pairs: Array<{ node: NodeBinary; run: AppRun; app: string; bare: string }> = [];
  try {
    for (const node of nodes) {
      for (const run of runs) {
        const bare = `${run.app}-ceiling@${node.major}`;
        if (!servers.some((s) => s.key === bare))
          servers.push({ key: bare, target: await start(node, run, 'ceiling', settings, []) });
        const app = `${run.label}@${node.major}`;
        servers.push({ key: app, target: await start(node, run, 'app', settings, []) });
        pairs.push({ node, run, app, bare });
      }
    }
    const samples = new Map<string, Sample>(
      servers.map((s) => [s.key, { rps: [], cpu: [], clientCpu: [] }]),
    );
    const wrk = new WrkClient();
    try {
      for (let r = 0; r < rounds; r++) {
        for (const { key, target } of servers) {
          const result = await load(wrk, target, durationS);
          const s = samples.get(key)!;
          s.rps.push(result.rps);
          s.cpu.push(result.cpuUsPerRequest);
          s.clientCpu.push(result.clientCpu);
        }
      }
    } finally {
      wrk.close();
    }
    const perRound = (a: number[], b: number[], f: (x: number, y: number) => number) =>
      summarize(a.map((x, i) => f(x, b[i]!) * 100));
    return table(
      [
        'app',
        'Node',
        'GET /v1/bots req/s',
        'bare framework req/s',
        'app ÷ bare, req/s',
        'CPU µs per request: app, bare',
        'bare ÷ app, CPU per request',
        'wrk CPU (cores): app, bare',
      ],
      pairs.map(({ node, run, app, bare }) => {
        const a = samples.get(app)!;
        const b = samples.get(bare)!;
        return [
          run.label,
          node.version,
          fmtSummary(summarize(a.rps)),
          `${fmtSummary(summarize(b.rps))} (${CEILING[run.app].name})`,
          fmtSummary(
            perRound(a.rps, b.rps, (x, y) => x / y),
            '%',
          ),
          `${fmt(summarize(a.cpu).median)}, ${fmt(summarize(b.cpu).median)}`,
          fmtSummary(
            perRound(a.cpu, b.cpu, (x, y) => y / x),
            '%',
          ),
          `${fmt(summarize(a.clientCpu).median, 2)}, ${fmt(summarize(b.clientCpu).median, 2)}`,
        ];
      }),
    );
  } finally {
    await Promise.all(servers.map((s) => s.target.proc.stop()));
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      apps: { type: 'string', default: APPS.join(',') },
      node: { type: 'string', default: '20,24' },
      duration: { type: 'string', default: '5' },
      top: { type: 'string', default: '12' },
      rounds: { type: 'string', default: '0' },
      'log-level': { type: 'string', default: 'warn' },
      'no-profile': { type: 'boolean', default: false },
    },
  });
  const runs = parseApps(values.apps);
  const nodes: NodeBinary[] = [];
  for (const major of parseMajors(values.node)) nodes.push(await resolveNode(major));
  const durationS = Number(values.duration);
  const rounds = Number(values.rounds);
  const databaseUrl = process.env['DATABASE_URL'];
  const dataDirs = new DataDirs();
  const settings: Settings = { databaseUrl, dataDirs, logLevel: values['log-level'] };
  const dir = await mkdtemp(path.join(tmpdir(), 'switchyard-profile-'));
  const command = [
    ...(databaseUrl ? [`DATABASE_URL=${databaseUrl}`] : []),
    'node --import tsx --conditions=@switchyard/source tools/bench/src/profile-apps.ts',
    ...process.argv.slice(2),
  ].join(' ');
  try {
    console.log(
      `Light route profiles, ${databaseUrl ? 'PostgreSQL server' : 'PGlite (embedded)'}, LOG_LEVEL=${settings.logLevel}, wrk -t1 -c${CONNECTIONS}, ${durationS} s after a 1 s warm-up; ${describeMachine()}. Produced by:`,
    );
    console.log('');
    console.log('```sh');
    console.log(command);
    console.log('```');
    console.log('');
    if (!values['no-profile']) {
      for (const node of nodes) {
        for (const run of runs) {
          const appRun = await profileOne(node, run, 'app', settings, durationS, dir);
          const bare = await profileOne(node, run, 'ceiling', settings, durationS, dir);
          console.log(report(node, run, appRun, bare, Number(values.top)));
          console.log('');
        }
      }
    }
    if (rounds > 0) {
      console.log(
        `Without the profiler: ${rounds} interleaved rounds of ${durationS} s per server (every app and bare framework once per round, after a 1 s warm-up each time), median (min–max) of the per-round ratios.`,
      );
      console.log('');
      console.log(await ratios(nodes, runs, settings, rounds, durationS));
      console.log('');
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
    await dataDirs.cleanup();
  }
}

await main();
