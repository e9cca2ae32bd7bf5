// Every figure the migration guide quotes from a benchmark run must be in docs/benchmarks.md,
// which that run wrote: after a new run, a stale figure in the guide fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (file: string) => readFileSync(new URL(`../../../${file}`, import.meta.url), 'utf8');
const guide = read('docs/migration-guide.md');
const benchmarks = read('docs/benchmarks.md');

/** The "**Measured**" paragraphs, each with the table right after it if there is one. */
function measuredBlocks(markdown: string): string[] {
  const blocks = markdown.split(/\n\s*\n/);
  const out: string[] = [];
  blocks.forEach((block, i) => {
    if (!block.startsWith('**Measured**')) return;
    const next = blocks[i + 1] ?? '';
    out.push(next.startsWith('|') ? `${block}\n${next}` : block);
  });
  return out;
}

/** Numbers with a unit of time, rate or ratio: `5,282 ms`, `406 µs`, `17.8×`, `888 req/s`. */
const FIGURE = /\d[\d,]*(?:\.\d+)?(?: ?(?:ms|µs|ns)\b| req\/s|×)/g;
const normalise = (text: string) => text.replace(/\s+/g, ' ');

/**
 * The table cells that hold a number with no unit (`5,361`, `13.2`): a table's header names the
 * unit once (`req/s` in the column's title), so the unit-bearing pattern above misses them.
 * Short integers (K = 1, 10, 32) are left out: they are labels, not measurements.
 */
function bareTableFigures(block: string): string[] {
  return block
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|[\s|:-]+\|$/.test(line))
    .flatMap((line) => line.split('|').map((cell) => cell.trim()))
    .filter((cell) => /^\d[\d,]*(?:\.\d+)?$/.test(cell) && !/^\d{1,2}$/.test(cell));
}

describe('docs/migration-guide.md', () => {
  const blocks = measuredBlocks(guide);

  it('has a measured paragraph for each benchmarked step', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });

  it.each(blocks.map((b) => [b.slice(0, 60), b]))(
    'quotes only figures that docs/benchmarks.md holds: %s…',
    (_title, block) => {
      const figures = [...(normalise(block).match(FIGURE) ?? []), ...bareTableFigures(block)];
      expect(figures.length).toBeGreaterThan(0);
      const missing = figures.filter((f) => !normalise(benchmarks).includes(f));
      expect(missing, 'rerun the numbers from docs/benchmarks.md into the guide').toEqual([]);
    },
  );
});
