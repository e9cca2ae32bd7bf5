// Scenario 10: what shadow traffic costs the client (issue 17: the bridge's p99 with shadowing
// on within 5 % of off, at the light route's load). Two bridges with bots and conversations on
// Express, one with SHADOW_GROUPS=bots,conversations, take turns under the same load on
// GET /v1/bots; the ratio of their p99s comes from one run.
import type { RouteCounts, ShadowSnapshot } from '@switchyard/bridge-api';
import { table, warmup, type Context, type Scenario, type Section } from '../lib/context.js';
import { sharedEnv, signIn, type User } from '../lib/gateway.js';
import { LoadGenerator, type LoadJob, type LoadResult } from '../lib/load.js';
import { spawnProc, type Proc } from '../lib/processes.js';
import { step } from '../lib/progress.js';
import { fmt, fmtSummary, summarize } from '../lib/stats.js';
import { barChart } from '../lib/svg.js';
import { scenarioTitles } from '../lib/titles.js';

/** Issue 17's bound on the p99 with shadowing on, against off. */
const TARGET_RATIO = 1.05;
/** The steady load: a rate both bridges carry with room to spare, over a few connections. */
const RATE = 200;
const STEADY_CONNECTIONS = 10;
/** Scenario 3's light-route load: as fast as the server answers, 100 connections. */
const FULL_CONNECTIONS = 100;

interface Contender {
  readonly name: string;
  readonly proc: Proc;
  readonly user: User;
}

const ZERO: RouteCounts = { matches: 0, mismatches: 0, dropped: 0, errors: 0 };

async function shadowCounts(proc: Proc): Promise<RouteCounts> {
  const res = await fetch(`${proc.url}/bench/shadow`, { signal: AbortSignal.timeout(10_000) });
  const { routes } = (await res.json()) as ShadowSnapshot;
  const sum = { ...ZERO };
  for (const counts of Object.values(routes)) {
    for (const key of Object.keys(sum) as (keyof RouteCounts)[]) sum[key] += counts[key];
  }
  return sum;
}

export const shadow: Scenario = {
  id: 'shadow',
  title: scenarioTitles.shadow,
  async run(context: Context): Promise<Section> {
    const { options } = context;
    const { rounds, durationS } = options;
    const env = (extra: Record<string, string>) => sharedEnv(context.upstreamUrl, extra);
    const SHADOWING = { SHADOW_GROUPS: 'bots,conversations' };
    // A second bridge with shadowing off is the noise floor: its p99 against the first's shows
    // how far two identical bridges differ on this machine, which bounds what a ratio can show.
    const all = [
      { name: 'shadow off', env: {} },
      { name: 'shadow on', env: SHADOWING },
      { name: 'shadow off, again', env: {} },
      { name: 'shadow on, inline', env: { ...SHADOWING, SHADOW_THREAD: 'inline' } },
      { name: 'shadow on, 1 in 10', env: { ...SHADOWING, SHADOW_SAMPLE_RATE: '0.1' } },
    ];
    // --smoke only checks that the scenario runs: two bridges start in less time than five.
    const specs = options.mode === 'smoke' ? all.slice(0, 2) : all;
    const procs = await step(`  start the ${specs.length} bridges`, () =>
      Promise.all(
        specs.map(async (spec) => {
          const dir = await context.dataDirs.copy();
          return spawnProc(`bridge, ${spec.name}`, 'tools/bench/src/shadow/bridge.mjs', {
            ...env({ PGLITE_DATA_DIR: dir, ...spec.env }),
          });
        }),
      ),
    );
    const contenders: Contender[] = [];
    for (const [i, spec] of specs.entries()) {
      contenders.push({ name: spec.name, proc: procs[i]!, user: await signIn(procs[i]!.url) });
    }
    const gen = new LoadGenerator();
    const loads = [
      {
        id: 'steady',
        title: `${RATE} requests/s over ${STEADY_CONNECTIONS} connections`,
        job: { connections: STEADY_CONNECTIONS, overallRate: RATE },
      },
      {
        id: 'full',
        title: `as fast as it answers, ${FULL_CONNECTIONS} connections (scenario 3's light route)`,
        job: { connections: FULL_CONNECTIONS },
      },
    ] as const;
    const results = new Map<string, LoadResult[]>();
    /** Per load, each bridge's counters over its warm-up and measured runs. */
    const countedByLoad = new Map<string, RouteCounts[]>();
    try {
      for (const load of loads) {
        const before = await Promise.all(contenders.map((c) => shadowCounts(c.proc)));
        const jobOf = (c: Contender): LoadJob => ({
          url: `${c.proc.url}/v1/bots`,
          headers: { authorization: `Bearer ${c.user.token}` },
          durationS,
          ...load.job,
        });
        await step(`  ${load.id}: warm-up`, async () => {
          for (const c of contenders) await gen.run({ ...jobOf(c), ...warmup(options) });
        });
        await step(`  ${load.id}: ${rounds} interleaved round(s) of ${durationS} s`, async () => {
          for (let r = 0; r < rounds; r++) {
            // Each round starts with the next contender: none always follows the same one.
            const order = contenders.map((_, i) => contenders[(i + r) % contenders.length]!);
            for (const c of order) {
              const result = await gen.run(jobOf(c));
              const key = `${load.id}/${c.name}`;
              results.set(key, [...(results.get(key) ?? []), result]);
            }
          }
        });
        const after = await Promise.all(contenders.map((c) => shadowCounts(c.proc)));
        countedByLoad.set(
          load.id,
          contenders.map((_, i) => {
            const sum = { ...ZERO };
            for (const key of Object.keys(sum) as (keyof RouteCounts)[]) {
              sum[key] = after[i]![key] - before[i]![key];
            }
            return sum;
          }),
        );
      }

      const rowsOf = (id: string) =>
        contenders.map((c) => {
          const runs = results.get(`${id}/${c.name}`) ?? [];
          return {
            name: c.name,
            p50: summarize(runs.map((x) => x.p50)),
            p99: summarize(runs.map((x) => x.p99)),
            rps: summarize(runs.map((x) => x.rps)),
            non2xx: runs.reduce((n, x) => n + x.non2xx + x.errors, 0),
          };
        });
      /** `name` ÷ shadow off per round, then the median over the rounds. */
      const ratioOf = (id: string, field: 'p99' | 'rps', name = 'shadow on') => {
        const offRuns = results.get(`${id}/shadow off`) ?? [];
        const onRuns = results.get(`${id}/${name}`) ?? [];
        return summarize(onRuns.map((x, i) => x[field] / offRuns[i]![field]));
      };
      // In a --smoke run the last three bridges do not run: their ratios are n/a.
      const ratioIf = ratioOf;
      const steady = ratioOf('steady', 'p99');
      const steadyNoise = ratioIf('steady', 'p99', 'shadow off, again');
      const steadyInline = ratioIf('steady', 'p99', 'shadow on, inline');
      const steadySampled = ratioIf('steady', 'p99', 'shadow on, 1 in 10');
      const fullP99 = ratioOf('full', 'p99');
      const fullRps = ratioOf('full', 'rps');
      const fullRpsNoise = ratioIf('full', 'rps', 'shadow off, again');
      const fullRpsInline = ratioIf('full', 'rps', 'shadow on, inline');
      const fullRpsSampled = ratioIf('full', 'rps', 'shadow on, 1 in 10');
      const countsOf = (load: string, name: string) =>
        countedByLoad.get(load)?.[contenders.findIndex((c) => c.name === name)] ?? ZERO;
      const tables = loads.flatMap((load) => [
        `**${load.title}**`,
        '',
        table(
          ['bridge', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx or errors'],
          rowsOf(load.id).map((row) => [
            row.name,
            fmtSummary(row.rps),
            fmtSummary(row.p50),
            fmtSummary(row.p99),
            fmt(row.non2xx),
          ]),
        ),
        '',
      ]);
      tables.push(
        `p99 ÷ the bridge with shadowing off, per round (median (min–max)), at the steady load: ${fmtSummary(steady)} with every read shadowed in the worker, ${fmtSummary(steadyInline)} inline, ${fmtSummary(steadySampled)} with one in ten; the second bridge with shadowing off ${fmtSummary(steadyNoise)}. Throughput ÷ off at 100 connections: ${fmtSummary(fullRps)} with every read shadowed in the worker (p99 ${fmtSummary(fullP99)}), ${fmtSummary(fullRpsInline)} inline, ${fmtSummary(fullRpsSampled)} with one in ten; the second bridge with shadowing off ${fmtSummary(fullRpsNoise)}.`,
        '',
        ...loads.flatMap((load) => [
          `The shadowing bridges' counters at ${load.id === 'steady' ? 'the steady load' : '100 connections'}, warm-up included: ${contenders
            .filter((c) => c.name.startsWith('shadow on'))
            .map((c) => {
              const n = countsOf(load.id, c.name);
              return `${c.name}: ${fmt(n.matches)} matches, ${fmt(n.mismatches)} mismatches, ${fmt(n.dropped)} dropped, ${fmt(n.errors)} shadow errors`;
            })
            .join(
              '; ',
            )} (SHADOW_MAX_PENDING = 16 in flight; past it a read is dropped and counted).`,
          '',
        ]),
      );
      const section: Section = {
        id: 'shadow',
        title: shadow.title,
        method: `Five bridge processes (\`tools/bench/src/shadow/bridge.mjs\`: apps/bridge-api with only health and docs moved, so that bots and conversations are Express's and can be shadowed), each from its build output (as the other apps are) on its own copy of one PGlite data dir, with the bench's shared settings: two with shadowing off (the second is the noise floor: how far two identical bridges differ here), one with SHADOW_GROUPS=bots,conversations and the defaults (every read shadowed, in the shadow worker at SHADOW_WORKER_NICE=19, 16 in flight, 2 s), one the same with SHADOW_THREAD=inline (the Fastify side on the bridge's own thread), one with SHADOW_SAMPLE_RATE=0.1 (in the worker). Each answers GET /v1/bots for one signed-in user, with autocannon in its own process, the bridges taking turns round by round (each round starts with the next one). Two loads: a steady ${RATE} requests/s, well below what the bridge answers on a quiet machine, where the p99 shows what the shadow adds to a response's path; and scenario 3's light-route load, 100 connections as fast as the bridge answers, where each shadowed request's second run competes for the same CPU.`,
        tables: tables.join('\n'),
        charts: [
          {
            file: 'shadow.svg',
            alt: 'GET /v1/bots p99 on the bridge with shadowing off and on, at a steady load and at 100 connections',
            svg: barChart({
              title: 'GET /v1/bots p99 on the bridge, shadowing off and on (lower is better)',
              axis: 'p99 latency (ms)',
              categories: loads.map((load) => load.id),
              series: contenders.map((c) => ({
                name: c.name,
                values: loads.map((load) =>
                  summarize((results.get(`${load.id}/${c.name}`) ?? []).map((x) => x.p99)),
                ),
              })),
              unit: ' ms',
            }),
          },
        ],
        targets: [
          {
            text: `Shadow traffic: the bridge's GET /v1/bots p99 with shadowing on within 5 % of off (steady ${RATE} requests/s)`,
            met: steady.median <= TARGET_RATIO,
            figure: `${fmt(steady.median)}× (${fmt(rowsOf('steady')[1]!.p99.median)} against ${fmt(rowsOf('steady')[0]!.p99.median)} ms)`,
            note:
              options.mode === 'smoke'
                ? `A smoke run: ${durationS} s per run, ${rounds} round(s).`
                : `Two bridges with shadowing off differed by ${fmt(steadyNoise.median)}× (${fmt(steadyNoise.min)}–${fmt(steadyNoise.max)}) in the same rounds: this load's p99 cannot resolve 5 % on this machine.`,
          },
          {
            text: `Shadow traffic: the same at scenario 3's light-route load (100 connections, as fast as the bridge answers)`,
            met: fullP99.median <= TARGET_RATIO,
            figure: `${fmt(fullP99.median)}× (${fmt(rowsOf('full')[1]!.p99.median)} against ${fmt(rowsOf('full')[0]!.p99.median)} ms), throughput ${fmt(fullRps.median)}×; ${fmt(countsOf('full', 'shadow on').dropped)} reads dropped, ${fmt(countsOf('full', 'shadow on').matches)} compared`,
            ...(options.mode === 'full'
              ? {}
              : { note: `A ${options.mode} run: ${durationS} s per run, ${rounds} round(s).` }),
          },
        ],
        reading: [
          `At the steady load the p99 with every read shadowed in the worker was ${fmt(steady.median)}× the p99 with shadowing off (median of ${rounds} rounds, ${fmt(steady.min)}–${fmt(steady.max)}), inline ${fmt(steadyInline.median)}×; two bridges with shadowing off differed by ${fmt(steadyNoise.median)}× (${fmt(steadyNoise.min)}–${fmt(steadyNoise.max)}), the resolution of this measurement on this machine. The shadow starts after the response has been sent; what it can still add to a client's latency is the CPU it takes while requests arrive, on the bridge's thread inline, on another thread (at the lowest priority) in the worker.`,
          `At 100 connections the bridge's thread is the limit. Inline, every shadowed read is a second run of the route on that thread: ${fmt(fullRpsInline.median)}× the throughput of off, with ${fmt(countsOf('full', 'shadow on, inline').dropped)} reads dropped. In the worker, at nice 19, the replays get the CPU the clients leave: ${fmt(fullRps.median)}× the throughput of off, and the shadow falls behind, so SHADOW_MAX_PENDING drops and counts what it cannot run (${fmt(countsOf('full', 'shadow on').dropped)} dropped against ${fmt(countsOf('full', 'shadow on').matches)} compared; at the steady load ${fmt(countsOf('steady', 'shadow on').dropped)} dropped against ${fmt(countsOf('steady', 'shadow on').matches)}). One read in ten in the worker: ${fmt(fullRpsSampled.median)}×.`,
        ],
      };
      return section;
    } finally {
      gen.close();
      await Promise.all(procs.map((proc) => proc.stop()));
    }
  },
};
