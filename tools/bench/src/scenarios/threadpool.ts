// Scenario 8: seed 004's worker sweep, the Node way. fastify-api hashes passwords with async
// scrypt, which runs on libuv's thread pool (UV_THREADPOOL_SIZE threads, 4 by default). The same
// app is started with 1 to 64 threads; a log-in load keeps the pool busy while a second client
// measures GET /v1/bots, so each row gives log-ins per second and the other route's p99.
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Agent, request } from 'undici';
import { scenarioTitles } from '../lib/titles.js';
import { table, type Context, type Scenario, type Section } from '../lib/context.js';
import type { AppSpec, FleetApp } from '../lib/fleet.js';
import { signIn, type User } from '../lib/gateway.js';
import { LoadGenerator, type LoadResult } from '../lib/load.js';
import type { ProbeReading } from '../lib/probe-reading.js';
import { step } from '../lib/progress.js';
import { fmt, fmtSummary, summarize, type Summary } from '../lib/stats.js';
import { lineChart } from '../lib/svg.js';

/** The sweep of seed 004's worker counts, as thread-pool sizes. */
const SIZES = [1, 2, 4, 8, 16, 64];
const SMOKE_SIZES = [1, 4];
/** Log-ins in flight at once: at least the largest pool, so every thread has a hash to do. */
const LOGINS_IN_FLIGHT = 64;
const SMOKE_LOGINS_IN_FLIGHT = 8;
/** The measured client, as in scenario 2: a light, steady load whose p99 shows the stalls. */
const PROBE_RATE = 200;
const PROBE_CONNECTIONS = 10;
/** Seed 004's thread sweep: the same batch of work at 1 worker and, flat from about 100, at best. */
const SEED_ONE_WORKER_S = 13.25;
const SEED_BEST_S = 0.59;

const sizesFor = (mode: string) => (mode === 'smoke' ? SMOKE_SIZES : SIZES);
const specFor = (size: number): AppSpec => ({
  kind: 'fastify-api',
  env: { UV_THREADPOOL_SIZE: String(size) },
});

export interface Run {
  /** Log-ins answered 201 per second, from the first sent to the last answered. */
  readonly loginsPerS: number;
  readonly loginP50: number;
  readonly probe: LoadResult;
  readonly loop: ProbeReading;
}

/**
 * Logs `user` in over and over with `inFlight` log-ins outstanding for `durationS`, then waits
 * for the last ones. Counting until the last answer (not only inside the window) keeps a large
 * pool honest: its first answers come together, a whole batch late, and a window cut at the
 * start or the end would miss them.
 */
export async function loginLoad(
  url: string,
  user: User,
  inFlight: number,
  durationS: number,
): Promise<{ perS: number; p50: number; answered: number }> {
  const agent = new Agent({ connections: inFlight, keepAliveTimeout: 10_000 });
  const body = JSON.stringify({ username: user.username, password: user.password });
  const latencies: number[] = [];
  let failures = 0;
  const began = performance.now();
  const until = began + durationS * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      const sent = performance.now();
      const res = await request(`${url}/v1/sessions`, {
        dispatcher: agent,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      await res.body.dump();
      if (res.statusCode === 201) latencies.push(performance.now() - sent);
      else failures++;
    }
  };
  try {
    await Promise.all(Array.from({ length: inFlight }, worker));
  } finally {
    await agent.close();
  }
  if (failures) throw new Error(`${failures} log-ins were not answered 201`);
  const elapsedS = (performance.now() - began) / 1000;
  return {
    perS: latencies.length / elapsedS,
    p50: summarize(latencies).median,
    answered: latencies.length,
  };
}

/**
 * The threads of a process (Linux `/proc`), and how many are named `libuv-worker`: libuv names
 * its pool threads so from 1.50 (Node 24), older ones leave them all `node`.
 */
export function threadsOf(pid: number | undefined): { total: number; pool: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const names = readdirSync(`/proc/${pid}/task`).map((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim(),
    );
    return { total: names.length, pool: names.filter((n) => n === 'libuv-worker').length };
  } catch {
    return undefined;
  }
}

export const threadpool: Scenario = {
  id: 'threadpool',
  title: scenarioTitles.threadpool,
  needs: ({ options }) => sizesFor(options.mode).map(specFor),
  async run(context: Context): Promise<Section> {
    const { mode, rounds, durationS } = context.options;
    const sizes = sizesFor(mode);
    const inFlight = mode === 'smoke' ? SMOKE_LOGINS_IN_FLIGHT : LOGINS_IN_FLIGHT;
    const apps = await Promise.all(sizes.map((n) => context.fleet.get(specFor(n))));
    // A second account logs in, so that the log-ins never end the measured client's session.
    const loginUsers = await Promise.all(apps.map((a) => signIn(a.url)));
    const threads = apps.map((a) => threadsOf(a.child.pid));
    const runs = sizes.map(() => [] as Run[]);
    const probeGen = new LoadGenerator();
    try {
      await step(
        `  ${rounds} interleaved rounds of ${durationS} s per size (${sizes.join(', ')})`,
        async () => {
          for (let r = 0; r < rounds; r++) {
            for (const [i, app] of apps.entries()) {
              runs[i]!.push(await underLoad(app, loginUsers[i]!, probeGen, inFlight, durationS));
            }
          }
        },
      );
    } finally {
      probeGen.close();
    }
    return report(sizes, runs, threads, inFlight, rounds, durationS);
  },
};

async function underLoad(
  app: FleetApp,
  loginUser: User,
  probeGen: LoadGenerator,
  inFlight: number,
  durationS: number,
): Promise<Run> {
  await app.probe('reset');
  const [logins, probe] = await Promise.all([
    loginLoad(app.url, loginUser, inFlight, durationS),
    probeGen.run({
      url: `${app.url}/v1/bots`,
      connections: PROBE_CONNECTIONS,
      durationS,
      overallRate: PROBE_RATE,
      headers: { authorization: `Bearer ${app.user.token}` },
    }),
  ]);
  const loop = await app.probe('read');
  if (probe.non2xx || probe.errors)
    throw new Error(`${app.name}: GET /v1/bots failed (${probe.non2xx}/${probe.errors})`);
  return { loginsPerS: logins.perS, loginP50: logins.p50, probe, loop };
}

function threadCell(t: { total: number; pool: number } | undefined): string {
  if (!t) return '—';
  return t.pool ? `${t.pool} in the pool` : `${t.total} in the process`;
}

export function report(
  sizes: readonly number[],
  runs: ReadonlyArray<readonly Run[]>,
  threads: ReadonlyArray<{ total: number; pool: number } | undefined>,
  inFlight: number,
  rounds: number,
  durationS: number,
): Section {
  const cores = availableParallelism();
  const figures = runs.map((rs) => ({
    logins: summarize(rs.map((r) => r.loginsPerS)),
    loginP50: summarize(rs.map((r) => r.loginP50)),
    // A window in which the probe got no answer at all has no p99 (autocannon reports 0).
    p99: summarize(rs.map((r) => (r.probe.total > 0 ? r.probe.p99 : Number.NaN))),
    probeRps: summarize(rs.map((r) => r.probe.rps)),
    loop: summarize(rs.map((r) => r.loop.loopP99)),
  }));
  const rows = sizes.map((n, i) => {
    const f = figures[i]!;
    return [
      String(n),
      threadCell(threads[i]),
      fmtSummary(f.logins),
      fmtSummary(f.loginP50, 'ms'),
      fmtSummary(f.probeRps),
      fmtSummary(f.p99, 'ms'),
      fmtSummary(f.loop, 'ms'),
    ];
  });
  const tables = [
    `${rounds} interleaved round(s) of ${durationS} s per size (median (min–max)):`,
    '',
    table(
      [
        'UV_THREADPOOL_SIZE',
        'threads seen',
        'log-ins per second',
        'log-in p50',
        'GET /v1/bots answered per second',
        'GET /v1/bots p99',
        'event-loop delay p99',
      ],
      rows,
    ),
  ].join('\n');

  const series = (name: string, pick: (f: (typeof figures)[number]) => Summary) => ({
    name,
    points: sizes.map((n, i) => [n, pick(figures[i]!).median] as const),
  });
  const charts = [
    {
      file: 'threadpool-logins.svg',
      alt: 'Log-ins per second against UV_THREADPOOL_SIZE',
      svg: lineChart({
        title: `fastify-api log-ins per second by thread-pool size (${cores} cores)`,
        xAxis: 'UV_THREADPOOL_SIZE (log scale)',
        yAxis: 'log-ins per second',
        logX: true,
        series: [series('log-ins per second', (f) => f.logins)],
      }),
    },
    {
      file: 'threadpool-p99.svg',
      alt: 'GET /v1/bots p99 under the log-in load against UV_THREADPOOL_SIZE',
      svg: lineChart({
        title: 'GET /v1/bots p99 under the log-in load, by thread-pool size',
        xAxis: 'UV_THREADPOOL_SIZE (log scale)',
        yAxis: 'ms (log scale)',
        logX: true,
        logY: true,
        series: [
          series('GET /v1/bots p99', (f) => f.p99),
          series('event-loop delay p99', (f) => f.loop),
        ],
      }),
    },
  ];

  const best = Math.max(...figures.map((f) => f.logins.median));
  const flatAt = sizes.find((_, i) => figures[i]!.logins.median >= 0.9 * best);
  const one = sizes.indexOf(1);
  const reading: string[] = [];
  if (flatAt !== undefined && one >= 0) {
    const first = figures[one]!.logins.median;
    reading.push(
      `Log-ins per second went from ${fmt(first)} with one thread to at most ${fmt(best)} (${fmt(best / first)} ×), and were within 10 % of that from UV_THREADPOOL_SIZE = ${flatAt} on; this machine has ${cores} cores.`,
    );
  }
  const p99s = figures.map((f) => f.p99.median).filter((v) => Number.isFinite(v));
  if (p99s.length === figures.length) {
    const all = figures.map((f) => f.p99.median);
    reading.push(
      `GET /v1/bots p99 under the log-in load was lowest at ${sizes[all.indexOf(Math.min(...all))]} thread(s) (${fmt(Math.min(...all))} ms) and highest at ${sizes[all.indexOf(Math.max(...all))]} (${fmt(Math.max(...all))} ms).`,
    );
  } else {
    reading.push(
      `In some windows GET /v1/bots got no answer at all within the ${durationS} s (n/a in the table): the log-ins' queries held PGlite's one queue on the app's thread for the whole window, so that p99 is not a figure of the thread pool alone.`,
    );
  }
  reading.push(
    `Why it flattens: a scrypt hash is CPU work from start to end, with nothing to wait on. One thread serialises the log-ins on one core; a second uses the second core; past the number of cores, more threads add no CPU, they only take turns on it, and each hash takes longer while the throughput stays put. The event loop, which answers GET /v1/bots and runs PGlite's queries, is one more runnable thread competing with them: with one pool thread it keeps a core to itself, with the pool as wide as the machine or wider it gets its share of the cores and waits for it, which is what the p99 column shows. Seed 004's thread sweep (13.25 s of the same batch at 1 worker down to 0.59 s, flat past about 100 workers) flattens so much later because its workers spent their time waiting, not computing: waiting work scales with workers, CPU work with cores. Here the pool is the knob for a CPU-bound task, so size it to the cores, not to the load (the default 4 already covers ${cores}).`,
  );
  reading.push(
    `Seed 004 for comparison: ${SEED_ONE_WORKER_S} s at 1 worker to ${SEED_BEST_S} s at best, ${fmt(SEED_ONE_WORKER_S / SEED_BEST_S)} × (seed 004's figures, not measured here).`,
  );
  return {
    id: 'threadpool',
    title: threadpool.title,
    method: `fastify-api is started once per \`UV_THREADPOOL_SIZE\` (${sizes.join(', ')}; the env of the spawned app) on PGlite against the upstream stand-in. In each round, per size: the bench keeps ${inFlight} \`POST /v1/sessions\` log-ins in flight for ${durationS} s (a second account, so the measured client's session stays), each one an async scrypt on libuv's thread pool, and counts log-ins answered 201 per second until the last answer; at the same time a second client (autocannon, ${PROBE_CONNECTIONS} connections) sends authenticated \`GET /v1/bots\` at ${PROBE_RATE} requests a second and reports its p99, and the app's probe its event-loop delay. The sizes are interleaved round by round. "Threads seen" is read from Linux \`/proc\` after the app's first log-in (the pool starts all its threads then): the threads libuv names \`libuv-worker\` where it names them (Node 24 does), else all of the process's threads, which grow by one per pool thread.`,
    tables,
    charts,
    targets: [],
    reading,
  };
}
