// Every figure the migration guide and the case study quote from a benchmark run must be in
// docs/benchmarks.md, which that run wrote: after a new run, a stale figure in either fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (file: string) => readFileSync(new URL(`../../../${file}`, import.meta.url), 'utf8');
/** Each page that quotes the benchmarks, and how many measured paragraphs it has at least. */
const PAGES = [
  // What the migration buys, and upgrading Node.
  { file: 'docs/migration-guide.md', atLeast: 2 },
  // The four blocking patterns that have a figure (the WebSocket has none) and the registry.
  { file: 'docs/case-study.md', atLeast: 4 },
] as const;
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

describe.each(PAGES)('$file', ({ file, atLeast }) => {
  const blocks = measuredBlocks(read(file));

  it(`has a measured paragraph for each benchmarked step (${atLeast} or more)`, () => {
    expect(blocks.length).toBeGreaterThanOrEqual(atLeast);
  });

  it.each(blocks.map((b) => [b.slice(0, 60), b]))(
    'quotes only figures that docs/benchmarks.md holds: %s…',
    (_title, block) => {
      const figures = [...(normalise(block).match(FIGURE) ?? []), ...bareTableFigures(block)];
      expect(figures.length).toBeGreaterThan(0);
      const missing = figures.filter((f) => !normalise(benchmarks).includes(f));
      expect(missing, `rerun the numbers from docs/benchmarks.md into ${file}`).toEqual([]);
    },
  );
});
