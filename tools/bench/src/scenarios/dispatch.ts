// Scenario 4: router dispatch. The registry lookup the apps use against the per-request
// dynamic import() (or require()) it replaced, in ns per call, in fresh processes.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { scenarioTitles } from '../lib/titles.js';
import { table, type Context, type Scenario, type Section, type Target } from '../lib/context.js';
import { WORKSPACE } from '../lib/processes.js';
import { step } from '../lib/progress.js';
import { fmt, fmtRatio, fmtSummary, summarize, type Summary } from '../lib/stats.js';
import { barChart } from '../lib/svg.js';

const run = promisify(execFile);

const ROWS = [
  ['resolveSyncNs', 'registry: bots.resolve(id), plain loop'],
  ['resolveNs', 'registry: bots.resolve(id), awaited like a handler'],
  ['warmImportNs', 'import() of a cached module (warm)'],
  ['warmRequireNs', 'require() of a cached module (warm)'],
  ['coldImportNs', 'import() of a new module URL (cold, loop)'],
  ['coldRequireNs', 'require() after deleting the cache entry (cold, loop)'],
  ['firstImport', 'first import() in a fresh process'],
  ['firstRequire', 'first require() in a fresh process'],
] as const;
type Key = (typeof ROWS)[number][0];

export const dispatch: Scenario = {
  id: 'dispatch',
  title: scenarioTitles.dispatch,
  async run(context: Context): Promise<Section> {
    const { rounds, mode } = context.options;
    const scale = mode === 'smoke' ? 0.05 : mode === 'quick' ? 0.5 : 1;
    const samples: Array<Record<Key, number>> = [];
    await step(`  ${rounds} fresh processes`, async () => {
      for (let r = 0; r < rounds; r++) {
        const { stdout } = await run(
          process.execPath,
          ['tools/bench/src/scenarios/dispatch-child.mjs', String(scale)],
          { cwd: WORKSPACE, timeout: 120_000 },
        );
        samples.push(JSON.parse(stdout.trim().split('\n').pop()!) as Record<Key, number>);
      }
    });
    const s = Object.fromEntries(
      ROWS.map(([k]) => [k, summarize(samples.map((x) => x[k]))]),
    ) as Record<Key, Summary>;
    const base = s.resolveNs.median;
    const tables = [
      `${rounds} fresh processes (median (min–max)), ns per call; the loops run ${scale === 1 ? '' : `${scale} × `}1,000,000 lookups, 400 cold and 5,000 warm imports, 400 cold and 200,000 warm requires each. The "first" rows are one call per process, so they are the cold start a request would see.`,
      '',
      table(
        ['how the bot class is found', 'ns per call', 'µs per call', '÷ registry (awaited)'],
        ROWS.map(([k, name]) => [
          name,
          fmtSummary(s[k]),
          fmt(s[k].median / 1000),
          fmtRatio(s[k].median, base),
        ]),
      ),
    ].join('\n');
    const ratio = s.coldImportNs.median / base;
    const targets: Target[] = [
      {
        text: 'Registry dispatch ≥ 1000 × faster than a cold dynamic import',
        met: ratio >= 1000,
        figure: `${fmt(ratio)}× (${fmt(base)} ns against ${fmt(s.coldImportNs.median)} ns; the first import in a fresh process: ${fmt(s.firstImport.median / base)}×)`,
        ...(ratio < 1000
          ? {
              note: 'Compared against the awaited registry lookup, as a handler would call it; the plain-loop lookup is faster still.',
            }
          : {}),
      },
    ];
    const charts = [
      {
        file: 'dispatch.svg',
        alt: 'Nanoseconds per call for each way of finding a bot class',
        svg: barChart({
          title: 'Finding a bot class per request (lower is better)',
          axis: 'nanoseconds per call (log scale)',
          categories: ROWS.map(([, name]) => name.replace('registry: ', '')),
          series: [{ name: 'ns per call', values: ROWS.map(([k]) => s[k]) }],
          log: true,
          unit: ' ns',
        }),
      },
    ];
    const reading = [
      `A registry lookup costs ${fmt(s.resolveSyncNs.median)} ns in a plain loop and ${fmt(base)} ns when awaited like a handler would; a warm import() of an already loaded module still costs ${fmt(s.warmImportNs.median)} ns (${fmt(s.warmImportNs.median / base)}×), because every import() resolves the specifier again and returns a promise.`,
      `A cold import() costs ${fmt(s.coldImportNs.median / 1000)} µs per call in a loop and ${fmt(s.firstImport.median / 1000)} µs for the first one in a fresh process (loader start-up included): ${fmt(ratio)}× and ${fmt(s.firstImport.median / base)}× the registry. The per-request import pays it on every new module URL, and on the first request after each start.`,
      'The modules are tiny fixtures (one class, no imports); a real bot module with imports costs more to load cold, so these cold figures are a lower bound.',
    ];
    return {
      id: 'dispatch',
      title: dispatch.title,
      method:
        "Each round is a fresh plain `node` process (`dispatch-child.mjs`, against the built `@switchyard/domain`, as the apps run in production). It first times one import() and one require() of a fixture bot module (the first request after start), then loops: `bots.resolve('echo')` from `@switchyard/domain`'s registry, import() of a new URL each time (`?v=<n>`, so the module cache misses), import() of the cached module, require() after deleting the cache entry, and a cached require(), all timed with `process.hrtime.bigint()`.",
      tables,
      charts,
      targets,
      reading,
    };
  },
};
