// Scenario 9: the scanner's speed (issue 15: a 50,000-line app in under 10 s on this machine).
// `switchyard-migrate scan` on an app tools/migrate generates, timed as a reader runs it: a
// fresh process through the CLI's bin (tsx and TypeScript's compiler load first), and, in
// this process, the scan alone after a first one has loaded the compiler.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { generateApp, scan } from '@switchyard/migrate';
import { table, type Context, type Scenario, type Section, type Target } from '../lib/context.js';
import { WORKSPACE } from '../lib/processes.js';
import { step } from '../lib/progress.js';
import { fmt, fmtSummary, summarize } from '../lib/stats.js';
import { barChart } from '../lib/svg.js';
import { scenarioTitles } from '../lib/titles.js';

const run = promisify(execFile);

/** Issue 15's bound for the whole CLI run, in seconds. */
const TARGET_S = 10;
const BIN = path.join(WORKSPACE, 'tools/migrate/bin/switchyard-migrate.mjs');

export const scanScenario: Scenario = {
  id: 'scan',
  title: scenarioTitles.scan,
  async run(context: Context): Promise<Section> {
    const { rounds, mode } = context.options;
    // About 105 lines per route module: 480 of them make the 50,000 lines.
    const files = mode === 'smoke' ? 20 : 480;
    const dir = await mkdtemp(path.join(tmpdir(), 'switchyard-scan-bench-'));
    try {
      const lines = generateApp(dir, files);
      const cli: number[] = [];
      const inProcess: number[] = [];
      let routes = 0;
      await step(`  ${rounds} round(s) on ${lines} lines`, async () => {
        scan(dir); // loads and warms TypeScript's compiler in this process
        for (let r = 0; r < rounds; r++) {
          const began = performance.now();
          const { stdout } = await run(process.execPath, [BIN, 'scan', dir, '--format', 'json'], {
            cwd: WORKSPACE,
            timeout: 120_000,
            maxBuffer: 256 * 1024 * 1024,
          });
          cli.push((performance.now() - began) / 1000);
          routes = (JSON.parse(stdout) as { routes: unknown[] }).routes.length;
          const start = performance.now();
          scan(dir);
          inProcess.push((performance.now() - start) / 1000);
        }
      });
      const c = summarize(cli);
      const i = summarize(inProcess);
      const targets: Target[] = [
        {
          text: `Scanner: a generated ${fmt(lines)}-line app in under ${TARGET_S} s through the CLI`,
          met: c.median < TARGET_S,
          figure: `${fmt(c.median)} s (in process, compiler loaded: ${fmt(i.median)} s)`,
          ...(mode === 'full'
            ? {}
            : { note: `A ${mode} run: ${fmt(lines)} lines, not the issue's 50,000.` }),
        },
      ];
      return {
        id: 'scan',
        title: scanScenario.title,
        method: `tools/migrate writes an Express app of ${fmt(files)} route modules and an app.js that mounts them (\`generateApp\`: ${fmt(lines)} lines, ${fmt(routes)} routes, a sync \`readFileSync\` and a loop of awaits in each module, so every finder has work). Each round runs \`node tools/migrate/bin/switchyard-migrate.mjs scan <dir> --format json\` in a fresh process, as \`npx switchyard-migrate\` does (tsx and TypeScript's compiler load first, then the scan and the JSON), and then \`scan(dir)\` in the bench's own process, where a first scan has already loaded the compiler.`,
        tables: [
          `${rounds} round(s) (median (min–max)), seconds.`,
          '',
          table(
            ['how it ran', 'seconds'],
            [
              ['CLI, fresh process (what a reader waits for)', fmtSummary(c)],
              ['scan() in process, compiler loaded', fmtSummary(i)],
            ],
          ),
        ].join('\n'),
        charts: [
          {
            file: 'scan.svg',
            alt: 'Seconds to scan the generated app, through the CLI and in process',
            svg: barChart({
              title: `switchyard-migrate scan on ${fmt(lines)} lines (lower is better)`,
              axis: 'seconds',
              categories: ['CLI, fresh process', 'scan() in process'],
              series: [{ name: 'seconds', values: [c, i] }],
              unit: ' s',
            }),
          },
        ],
        targets,
        reading: [
          `Through the CLI the scan took ${fmt(c.median)} s, against the issue's ${TARGET_S} s; the scan itself, with the compiler already loaded, ${fmt(i.median)} s. The difference is the fresh process: Node, tsx, TypeScript's compiler and the feature map load before the first file is read.`,
        ],
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
