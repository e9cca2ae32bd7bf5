// Keeps the bench from rotting: every scenario runs for a second or two (--smoke) in a child
// process, and the report must name each one with numbers in its table. The node scenario runs
// on this Node and at most one other already in the cache (never downloaded here). No timing is asserted:
// figures from a shared CI machine mean nothing, only that they were produced.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { scenarioTitles } from '../src/lib/titles.js';

const run = promisify(execFile);
const WORKSPACE = fileURLToPath(new URL('../../../', import.meta.url));

describe('bench --smoke', () => {
  let out = '';
  afterAll(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('runs every scenario and writes a report with numbers and a chart for each', async () => {
    out = await mkdtemp(path.join(tmpdir(), 'switchyard-bench-smoke-'));
    const { stderr } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=@switchyard/source',
        'tools/bench/src/main.ts',
        '--smoke',
        '--out',
        out,
      ],
      { cwd: WORKSPACE, timeout: 540_000, maxBuffer: 16 * 1024 * 1024 },
    ).catch((error: { stderr?: string; message: string }) => {
      throw new Error(`the bench failed: ${error.message}\n${error.stderr ?? ''}`);
    });
    expect(stderr).toContain('Wrote ');

    const report = await readFile(path.join(out, 'benchmarks.md'), 'utf8');
    const sections = report.split(/^## /m);
    for (const title of Object.values(scenarioTitles)) {
      const section = sections.find((s) => s.startsWith(title));
      expect(section, `section "${title}"`).toBeDefined();
      expect(section).not.toContain('This scenario failed');
      // A table row with at least one number in it.
      expect(section).toMatch(/^\|[^|\n]+\|.*\d/m);
      expect(section).toMatch(/!\[[^\]]+\]\(benchmarks\/[\w-]+\.svg\)/);
    }
    // The node scenario names each binary it measured by its exact version, the machine's first.
    const node = sections.find((s) => s.startsWith(scenarioTitles.node));
    expect(node).toContain(`Node ${process.version} (machine`);
    const charts = await readdir(path.join(out, 'benchmarks'));
    expect(charts.length).toBeGreaterThanOrEqual(Object.keys(scenarioTitles).length);
    for (const chart of charts) {
      expect(await readFile(path.join(out, 'benchmarks', chart), 'utf8')).toMatch(
        /^<svg[\s\S]*<\/svg>\s*$/,
      );
    }
  }, 600_000);
});
