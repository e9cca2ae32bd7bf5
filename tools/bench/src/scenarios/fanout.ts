// Scenario 1: the fan-out. The ensemble bot asks K sources at 50 ms each: Express awaits them
// one after another, Fastify runs FANOUT_CONCURRENCY at once (the default bound, and a bound of
// at least K). Then the same 100 calls from the bench itself, raw and through fastify-api's own
// upstream client, to show where the curve flattens and where the time of one fan-out goes.
import { Agent, request } from 'undici';
import { UndiciUpstreamClient } from '@switchyard/fastify-api';
import { scenarioTitles } from '../lib/titles.js';
import {
  SLOW_UPSTREAM_MS,
  table,
  type Context,
  type Scenario,
  type Section,
  type Target,
} from '../lib/context.js';
import type { AppSpec, FleetApp } from '../lib/fleet.js';
import { timeMessage } from '../lib/gateway.js';
import { spawnProc, type Proc } from '../lib/processes.js';
import { step } from '../lib/progress.js';
import { fmt, fmtRatio, fmtSummary, summarize, type Summary } from '../lib/stats.js';
import { barChart, lineChart } from '../lib/svg.js';

const LATENCY_MS = SLOW_UPSTREAM_MS;
const CALLS = 100;
/** FANOUT_CONCURRENCY's default. */
const DEFAULT_BOUND = 20;
/** The largest ENSEMBLE_SOURCES the apps accept, and the bound of the "at least K" variant. */
const MAX_K = 100;
const LIFTED = 'fastify-api bound ≥ K';
/** The issue's fan-out targets at K = 100: 1.3 × one latency at a bound ≥ K, 1.2 × the waves. */
const LIFTED_FACTOR = 1.3;
const WAVES_FACTOR = 1.2;

interface Contender {
  readonly key: string;
  readonly spec: AppSpec;
}

/** Runs `n` tasks with at most `limit` at once. */
async function pool(n: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
}

/** One ensemble message to an app (its ENSEMBLE_SOURCES at 50 ms each), timed in ms. */
export const timeEnsemble = (app: FleetApp) => timeMessage(app.url, app.user.token, 'ensemble');

const ksFor = (mode: string) =>
  mode === 'smoke' ? [10] : mode === 'quick' ? [1, 10, MAX_K] : [1, 10, 32, MAX_K];

/**
 * Requests per app and K. Express pays K × 50 ms per request (5 s at K = 100): from 2 s a
 * request it is timed at most twice (once in --quick), which keeps the run bounded and still
 * shows the line it is on.
 */
function samplesFor(c: Contender, k: number, rounds: number, mode: string): number {
  if (c.spec.kind !== 'express-api' || k * LATENCY_MS < 2000) return rounds;
  return Math.min(rounds, mode === 'full' ? 2 : 1);
}

function contendersFor(k: number, mode: string): Contender[] {
  const spec = (kind: AppSpec['kind'], env: Record<string, string> = {}): AppSpec => ({
    kind,
    env: { ENSEMBLE_SOURCES: String(k), ...env },
  });
  return [
    { key: 'express-api', spec: spec('express-api') },
    { key: 'fastify-api', spec: spec('fastify-api') },
    // Past the default bound, the same app with FANOUT_CONCURRENCY lifted to the largest K, so
    // at least K: every call of a message runs at once.
    ...(k > DEFAULT_BOUND && mode !== 'smoke'
      ? [{ key: LIFTED, spec: spec('fastify-api', { FANOUT_CONCURRENCY: String(MAX_K) }) }]
      : []),
  ];
}

interface Measured {
  readonly ms: Summary;
  /** The app's own CPU per request (user + system), from its probe. */
  readonly cpuMs: number;
}

export const fanout: Scenario = {
  id: 'fanout',
  title: scenarioTitles.fanout,
  needs: ({ options }) =>
    ksFor(options.mode).flatMap((k) => contendersFor(k, options.mode).map((c) => c.spec)),
  async run(context: Context): Promise<Section> {
    const { mode, rounds } = context.options;
    const ks = ksFor(mode);
    const results = new Map<string, Measured>();
    for (const k of ks) {
      const contenders = contendersFor(k, mode);
      const apps = await Promise.all(contenders.map((c) => context.fleet.get(c.spec)));
      const samples = contenders.map(() => [] as number[]);
      const cpu = contenders.map(() => 0);
      await step(`  K = ${k}: up to ${rounds} interleaved requests per app`, async () => {
        // One warm-up request each: connection pools, JIT.
        for (const [i, a] of apps.entries()) {
          // A warm-up of a second or more (Express from K = 20) would change nothing measurable.
          if (contenders[i]!.spec.kind === 'express-api' && k * LATENCY_MS >= 1000) continue;
          await timeEnsemble(a);
        }
        for (let r = 0; r < rounds; r++) {
          for (const [i, a] of apps.entries()) {
            if (r >= samplesFor(contenders[i]!, k, rounds, mode)) continue;
            // The probe around each request alone: an app's CPU while the others are timed
            // (its idle timers) is not its cost.
            await a.probe('reset');
            samples[i]!.push(await timeEnsemble(a));
            cpu[i]! += (await a.probe('read')).cpuMs;
          }
        }
      });
      contenders.forEach((c, i) =>
        results.set(`${c.key}@${k}`, {
          ms: summarize(samples[i]!),
          cpuMs: cpu[i]! / samples[i]!.length,
        }),
      );
    }
    const sweep = await step('  client-side sweep: 100 calls at several limits', () =>
      clientSweep(context.slowUpstreamUrl, mode === 'full' ? rounds : 1, mode),
    );
    const split = await step('  where one fan-out of 100 calls spends its time', () =>
      timeSplit(context.slowUpstreamUrl, mode === 'smoke' ? 2 : mode === 'quick' ? 5 : 15),
    );
    return report(ks, results, sweep, split, rounds);
  },
};

interface SweepRow {
  readonly label: string;
  readonly limit: number;
  readonly keepAlive: boolean;
  readonly ms: Summary;
}

async function clientSweep(base: string, runs: number, mode: string): Promise<SweepRow[]> {
  const limits = mode === 'smoke' ? [20, 100, 500] : [1, 5, 10, 20, 30, 100, 500];
  const rows: SweepRow[] = [];
  for (const keepAlive of [true, false]) {
    const agent = new Agent(keepAlive ? { keepAliveTimeout: 10_000 } : { pipelining: 0 });
    const call = async (i: number) => {
      const res = await request(`${base}/sources/${i}/answer?q=sweep`, {
        dispatcher: agent,
        ...(keepAlive ? {} : { headers: { connection: 'close' } }),
      });
      await res.body.dump();
      if (res.statusCode !== 200) throw new Error(`upstream answered ${res.statusCode}`);
    };
    const time = async (fn: () => Promise<void>) => {
      const samples: number[] = [];
      for (let r = 0; r < runs; r++) {
        const began = performance.now();
        await fn();
        samples.push(performance.now() - began);
      }
      return summarize(samples);
    };
    const ka = keepAlive ? 'keep-alive' : 'no keep-alive';
    await pool(20, 20, call); // warm-up: open connections, JIT
    // The sequential loop takes 100 × 50 ms: --quick runs it once, with keep-alive only.
    if (mode === 'full' || (mode === 'quick' && keepAlive)) {
      rows.push({
        label: `sequential loop (await in for), ${ka}`,
        limit: 1,
        keepAlive,
        ms: await time(async () => {
          for (let i = 0; i < CALLS; i++) await call(i);
        }),
      });
    }
    rows.push({
      label: `Promise.all (no bound), ${ka}`,
      limit: CALLS,
      keepAlive,
      ms: await time(async () => {
        await Promise.all(Array.from({ length: CALLS }, (_, i) => call(i)));
      }),
    });
    // --quick measures the no-keep-alive curve at fewer points; the full run has them all.
    const points = mode === 'quick' && !keepAlive ? [20, 100, 500] : limits.filter((l) => l > 1);
    for (const limit of points) {
      rows.push({
        label: `bounded pool of ${limit}, ${ka}`,
        limit,
        keepAlive,
        ms: await time(() => pool(CALLS, limit, call)),
      });
    }
    await agent.close();
  }
  return rows;
}

interface SplitRow {
  readonly label: string;
  /** Where the stand-in ran: in the bench process (sharing its thread) or in a process of its own. */
  readonly standIn: 'bench' | 'own';
  readonly ms: Summary;
  /** CPU of the bench process per fan-out (it is the caller; with `bench`, the stand-in too). */
  readonly callerCpuMs: number;
  /** CPU of the stand-in's own process per fan-out. */
  readonly standInCpuMs: number | undefined;
}

/**
 * 100 calls at 50 ms, timed with the CPU each side spends: raw undici and fastify-api's own
 * UndiciUpstreamClient (its fan-out, its per-call deadline and body limit), against the bench's
 * stand-in and against one in its own process (apps/upstream), so that the caller's cost, the
 * stand-in's and the machine's can be told apart.
 */
async function timeSplit(benchStandIn: string, runs: number): Promise<SplitRow[]> {
  const own: Proc = await spawnProc(
    'upstream stand-in in its own process',
    'apps/upstream/src/main.ts',
    { UPSTREAM_LATENCY_MS: String(LATENCY_MS) },
    '/get',
  );
  const agent = new Agent({ keepAliveTimeout: 10_000 });
  const clients: UndiciUpstreamClient[] = [];
  try {
    const raw = (base: string) => async () => {
      await Promise.all(
        Array.from({ length: CALLS }, async (_, i) => {
          const res = await request(`${base}/sources/${i}/answer?q=split`, { dispatcher: agent });
          JSON.parse(await res.body.text());
        }),
      );
    };
    const adapter = (base: string, bound: number) => {
      const client = new UndiciUpstreamClient({
        baseUrls: { model: base, knowledge: base },
        timeoutMs: 30_000,
        concurrency: bound,
        maxResponseBytes: 4 * 1024 * 1024,
        maxLineBytes: 64 * 1024,
      });
      clients.push(client);
      return async () => {
        const tasks = Array.from(
          { length: CALLS },
          (_, i) => () =>
            client.json<unknown>({
              service: 'knowledge',
              method: 'GET',
              path: `/sources/${i}/answer?q=split`,
            }),
        );
        const outcomes = await client.fanOut(tasks);
        const failed = outcomes.find((o) => o.status === 'rejected');
        if (failed) throw new Error(`a source failed: ${String(failed.reason)}`);
      };
    };
    const variants = [
      { label: 'undici `request`, Promise.all', standIn: 'bench', run: raw(benchStandIn) },
      { label: 'undici `request`, Promise.all', standIn: 'own', run: raw(own.url) },
      {
        label: `fastify-api's \`UndiciUpstreamClient.fanOut\`, FANOUT_CONCURRENCY=${MAX_K}`,
        standIn: 'own',
        run: adapter(own.url, MAX_K),
      },
      {
        label: `fastify-api's \`UndiciUpstreamClient.fanOut\`, FANOUT_CONCURRENCY=${DEFAULT_BOUND}`,
        standIn: 'own',
        run: adapter(own.url, DEFAULT_BOUND),
      },
    ] as const;
    // Warm-up: every connection of the widest fan-out opened, JIT.
    for (const v of variants) for (let w = 0; w < 3; w++) await v.run();
    const walls = variants.map(() => [] as number[]);
    const callerCpu = variants.map(() => 0);
    const standInCpu = variants.map(() => 0);
    for (let r = 0; r < runs; r++) {
      for (const [i, v] of variants.entries()) {
        if (v.standIn === 'own') await own.probe('reset');
        const cpu = process.cpuUsage();
        const began = performance.now();
        await v.run();
        walls[i]!.push(performance.now() - began);
        const used = process.cpuUsage(cpu);
        callerCpu[i]! += (used.user + used.system) / 1000;
        if (v.standIn === 'own') standInCpu[i]! += (await own.probe('read')).cpuMs;
      }
    }
    return variants.map((v, i) => ({
      label: v.label,
      standIn: v.standIn,
      ms: summarize(walls[i]!),
      callerCpuMs: callerCpu[i]! / runs,
      standInCpuMs: v.standIn === 'own' ? standInCpu[i]! / runs : undefined,
    }));
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await agent.close();
    await own.stop();
  }
}

/** The same fan-out timed on its own (the last table), for a target's note. */
const directNote = (row: SplitRow | undefined) =>
  row
    ? ` fastify-api's client alone, from the bench against a stand-in in its own process, took ${fmtSummary(row.ms, 'ms')} for the same 100 calls.`
    : '';

function report(
  ks: readonly number[],
  results: Map<string, Measured>,
  sweep: readonly SweepRow[],
  split: readonly SplitRow[],
  rounds: number,
): Section {
  const get = (key: string, k: number) => results.get(`${key}@${k}`);
  const rows = ks.map((k) => {
    const ex = get('express-api', k)!;
    const fa = get('fastify-api', k)!;
    const lifted = get(LIFTED, k);
    return [
      String(k),
      `${fmt(k * LATENCY_MS)} ms`,
      fmtSummary(ex.ms, 'ms'),
      fmtSummary(fa.ms, 'ms'),
      lifted ? fmtSummary(lifted.ms, 'ms') : k <= DEFAULT_BOUND ? '(= the default)' : '—',
      fmtRatio(ex.ms.median, fa.ms.median),
    ];
  });
  const cpuRows = ks.map((k) => {
    const lifted = get(LIFTED, k);
    return [
      String(k),
      `${fmt(get('express-api', k)!.cpuMs)} ms`,
      `${fmt(get('fastify-api', k)!.cpuMs)} ms`,
      lifted ? `${fmt(lifted.cpuMs)} ms` : '—',
    ];
  });

  // The fixed cost of a message (token lookup, storing the message and its reply, serialising)
  // is what a K = 1 request takes beyond its one upstream latency; what a K = 100 request takes
  // beyond that fixed cost is its fan-out. Fastify's K = 1 gives it (the bound plays no part).
  const k1 = get('fastify-api', 1);
  const fixed = k1 ? k1.ms.median - LATENCY_MS : undefined;
  const waves = Math.ceil(MAX_K / DEFAULT_BOUND);
  const goals = [
    {
      key: LIFTED,
      config: `FANOUT_CONCURRENCY=${MAX_K} (≥ K)`,
      limit: LIFTED_FACTOR * LATENCY_MS,
      goal: `≤ ${fmt(LIFTED_FACTOR * LATENCY_MS)} ms (${LIFTED_FACTOR} × one latency)`,
    },
    {
      key: 'fastify-api',
      config: `FANOUT_CONCURRENCY=${DEFAULT_BOUND} (the default)`,
      limit: WAVES_FACTOR * waves * LATENCY_MS,
      goal: `≤ ${fmt(WAVES_FACTOR * waves * LATENCY_MS)} ms (${WAVES_FACTOR} × ⌈${MAX_K} ÷ ${DEFAULT_BOUND}⌉ × ${LATENCY_MS} ms)`,
    },
  ].flatMap((g) => {
    const m = get(g.key, MAX_K);
    if (!m || fixed === undefined) return [];
    const fanOut = m.ms.median - fixed;
    return [{ ...g, whole: m.ms.median, fanOut, met: fanOut <= g.limit }];
  });

  const tables = [
    `Per request, up to ${rounds} interleaved samples per app and K (median (min–max)); Express is timed at most ${rounds > 1 ? 'twice' : 'once'} where a request takes 2 s or more:`,
    '',
    table(
      [
        'K',
        'K × 50 ms',
        'Express',
        `Fastify (FANOUT_CONCURRENCY=${DEFAULT_BOUND})`,
        `Fastify (=${MAX_K}, ≥ K)`,
        'Express ÷ Fastify',
      ],
      rows,
    ),
    '',
    "Each app's own CPU per request (user + system, from its probe around each timed request, averaged):",
    '',
    table(['K', 'Express', `Fastify (=${DEFAULT_BOUND})`, `Fastify (=${MAX_K})`], cpuRows),
    ...(goals.length
      ? [
          '',
          `The targets at K = ${MAX_K}. Fan-out = the request's median less the fixed cost of a message (Fastify at K = 1 less one latency: ${fmt(fixed!)} ms):`,
          '',
          table(
            ['configuration', 'target (fan-out)', 'fan-out', 'whole request', 'target'],
            goals.map((g) => [
              g.config,
              g.goal,
              `${fmt(g.fanOut)} ms`,
              `${fmt(g.whole)} ms`,
              g.met ? 'met' : '**missed**',
            ]),
          ),
        ]
      : []),
    '',
    `Client-side sweep, 100 calls to the stand-in at 50 ms, undici \`request\` from the bench process, ${sweep[0]?.ms.n ?? 0} run(s) per row:`,
    '',
    table(
      ['how the 100 calls run', 'wall time'],
      sweep.map((r) => [r.label, fmtSummary(r.ms, 'ms')]),
    ),
    '',
    `Where one fan-out of 100 calls at 50 ms spends its time, ${split[0]?.ms.n ?? 0} interleaved run(s) per row, the bench process calling:`,
    '',
    table(
      ['caller', 'stand-in', 'wall time', 'caller CPU', 'stand-in CPU'],
      split.map((r) => [
        r.label,
        r.standIn === 'bench' ? 'in the bench process' : 'its own process',
        fmtSummary(r.ms, 'ms'),
        `${fmt(r.callerCpuMs)} ms${r.standIn === 'bench' ? ' (with the stand-in)' : ''}`,
        r.standInCpuMs === undefined ? '(in the caller)' : `${fmt(r.standInCpuMs)} ms`,
      ]),
    ),
  ].join('\n');

  const direct = (bound: number) =>
    split.find((r) => r.standIn === 'own' && r.label.includes(`FANOUT_CONCURRENCY=${bound}`));
  const targets: Target[] = goals.map((g) => ({
    text: `Fastify at K = ${MAX_K}, 50 ms, ${g.config}: the fan-out ${g.goal}`,
    met: g.met,
    figure: `${fmt(g.fanOut)} ms (whole request ${fmt(g.whole)} ms)`,
    note:
      g.key === LIFTED
        ? `The fan-out is the request less the fixed cost of a message (${fmt(fixed!)} ms at K = 1), which the target leaves out: the whole request ${g.whole <= g.limit ? 'is within it too' : `is ${fmt(g.whole)} ms, over ${fmt(g.limit)} ms by about that fixed cost`}.${directNote(direct(MAX_K))}`
        : `${waves} waves of ${DEFAULT_BOUND} calls: the bound protects the upstream, so the floor is ${fmt(waves * LATENCY_MS)} ms by design.${directNote(direct(DEFAULT_BOUND))}`,
  }));

  const series = [
    { name: 'Express (sequential)', key: 'express-api' },
    { name: `Fastify (${DEFAULT_BOUND} at once)`, key: 'fastify-api' },
    ...(ks.some((k) => results.has(`${LIFTED}@${k}`))
      ? [{ name: `Fastify (${MAX_K} at once)`, key: LIFTED }]
      : []),
  ];
  const charts = [
    {
      file: 'fanout.svg',
      alt: 'Fan-out: time per ensemble request against K',
      svg: barChart({
        title: `Ensemble request, K sources at ${LATENCY_MS} ms each (lower is better)`,
        axis: 'time per request (ms, log scale)',
        categories: ks.map((k) => `K = ${k}`),
        series: series.map((s) => ({ name: s.name, values: ks.map((k) => get(s.key, k)?.ms) })),
        log: true,
        unit: ' ms',
      }),
    },
    {
      file: 'fanout-sweep.svg',
      alt: 'Client-side sweep: wall time of 100 calls against the concurrency limit',
      svg: lineChart({
        title: '100 calls at 50 ms each: wall time by concurrency limit',
        xAxis: 'calls in flight at once (log scale)',
        yAxis: 'wall time for 100 calls (ms, log scale)',
        logX: true,
        logY: true,
        series: [true, false].map((ka) => ({
          name: ka ? 'keep-alive' : 'no keep-alive',
          points: sweep
            .filter((r) => r.keepAlive === ka && !r.label.startsWith('Promise.all'))
            .map((r) => [r.limit, r.ms.median] as const),
        })),
      }),
    },
  ];

  const reading = ks.map((k) => {
    const e = get('express-api', k)!.ms;
    const f = get('fastify-api', k)!.ms;
    const l = get(LIFTED, k)?.ms;
    return `K = ${k}: Express took ${fmt(e.median)} ms (${fmt(e.median / (k * LATENCY_MS))} × K × 50 ms), Fastify ${fmt(f.median)} ms (${fmt(f.median / LATENCY_MS)} × one latency)${l ? `, and ${fmt(l.median)} ms with FANOUT_CONCURRENCY=${MAX_K}` : ''}.`;
  });
  if (k1 && fixed !== undefined) {
    reading.push(
      `At K = 1 Fastify took ${fmt(k1.ms.median)} ms, ${fmt(fixed)} ms over the upstream latency: that is the fixed cost of a message (token lookup, storing the message and the reply in one transaction, serialising), paid once per request by both apps whatever K is.`,
    );
  }
  const top = Math.max(...ks);
  const cpuTop = get(LIFTED, top) ?? get('fastify-api', top);
  const cpuOne = get('fastify-api', Math.min(...ks));
  if (cpuTop && cpuOne && top > Math.min(...ks)) {
    const perCall = (cpuTop.cpuMs - cpuOne.cpuMs) / (top - Math.min(...ks));
    reading.push(
      `Fastify's own CPU per request went from ${fmt(cpuOne.cpuMs)} ms at K = ${Math.min(...ks)} to ${fmt(cpuTop.cpuMs)} ms at K = ${top}: about ${fmt(perCall * 1000)} µs per source (building the call, undici writing and parsing it, the deadline, reading the body, JSON, the bot's checks), which the app spends on its one thread while the calls are sent and answered.`,
    );
  }
  const ownRaw = split.find((r) => r.standIn === 'own' && r.label.startsWith('undici'));
  const benchRaw = split.find((r) => r.standIn === 'bench');
  const ownAdapter = split.find((r) => r.standIn === 'own' && r.label.includes(`=${MAX_K}`));
  if (ownRaw && benchRaw && ownAdapter) {
    reading.push(
      `One fan-out of 100 calls: with the stand-in in the bench's own process, the caller and the stand-in share one thread and Promise.all took ${fmt(benchRaw.ms.median)} ms; with the stand-in in a process of its own, ${fmt(ownRaw.ms.median)} ms raw and ${fmt(ownAdapter.ms.median)} ms through fastify-api's client. Per fan-out the stand-in spent ${fmt(ownAdapter.standInCpuMs ?? Number.NaN)} ms of CPU and fastify-api's client ${fmt(ownAdapter.callerCpuMs)} ms (raw undici ${fmt(ownRaw.callerCpuMs)} ms): over the ${LATENCY_MS} ms of latency, the rest is the two processes waiting for a core on this ${'2'}-core machine, shared with whatever else runs on it.`,
    );
  }
  const ka = sweep.filter((r) => r.keepAlive && !r.label.startsWith('Promise.all'));
  const all = sweep.find((r) => r.keepAlive && r.label.startsWith('Promise.all'));
  if (ka.length && all) {
    const best = all.ms.median;
    const flat = ka.find((r) => r.ms.median <= best * 1.5);
    reading.push(
      `Client side: Promise.all over 100 calls took ${fmt(best)} ms; ${flat ? `a bound of ${flat.limit} already comes within 1.5 × of that (${fmt(flat.ms.median)} ms), so the curve flattens around there` : 'no bounded pool came within 1.5 × of it'}. Each halving of the limit below that roughly doubles the time, as ⌈100 ÷ limit⌉ waves of 50 ms predict.`,
    );
    const nka = sweep.find((r) => !r.keepAlive && r.label.startsWith('Promise.all'));
    if (nka) {
      reading.push(
        `Without keep-alive, Promise.all took ${fmt(nka.ms.median)} ms against ${fmt(best)} ms with it: at 50 ms of upstream latency a new loopback connection per call costs ${nka.ms.median > best * 1.2 ? 'a visible share' : 'little'}.`,
      );
    }
  }
  return {
    id: 'fanout',
    title: fanout.title,
    method: `The upstream stand-in answers \`GET /sources/:id/answer\` after ${LATENCY_MS} ms. For each K the bench starts both apps with \`ENSEMBLE_SOURCES=K\` (and, past the default bound of ${DEFAULT_BOUND}, a second Fastify with \`FANOUT_CONCURRENCY=${MAX_K}\`, the largest \`ENSEMBLE_SOURCES\` the apps accept, so at least K), signs in, sends one warm-up message, then times single \`POST /v1/bots/ensemble/messages\` requests one at a time, alternating the apps; each app's probe counts its CPU over the timed requests. Express awaits each source in a \`for … of\` loop (K × 50 ms: from 2 s a request it is timed at most twice); Fastify runs at most \`FANOUT_CONCURRENCY\` (default ${DEFAULT_BOUND}) at once. The client-side sweep then sends 100 calls to the stand-in from the bench itself, and the last table times 100 calls raw and through fastify-api's \`UndiciUpstreamClient\` against a second stand-in in its own process (\`apps/upstream\`), with the CPU each side spent.`,
    tables,
    charts,
    targets,
    reading,
  };
}
