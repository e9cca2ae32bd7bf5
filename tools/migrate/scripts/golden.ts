// The golden outputs of the fixture apps: `npm run golden -w @switchyard/migrate` rewrites them
// after a deliberate change to the report; test/golden.test.ts compares against them and never
// writes them.
import { readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderMarkdown } from '../src/lib/render.js';
import { scan } from '../src/lib/scan.js';

export const FIXTURES = fileURLToPath(new URL('../test/fixtures/', import.meta.url));
export const GOLDEN = fileURLToPath(new URL('../test/golden/', import.meta.url));

export function fixtureNames(): string[] {
  return readdirSync(FIXTURES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** The two golden files of one fixture, as the scanner writes them now. */
export function render(name: string): { json: string; md: string } {
  const report = scan(FIXTURES + name);
  return { json: `${JSON.stringify(report, null, 2)}\n`, md: renderMarkdown(report) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const name of fixtureNames()) {
    const { json, md } = render(name);
    // Not .json or .md: Prettier would reformat them and the comparison is byte for byte.
    writeFileSync(`${GOLDEN}${name}.json.golden`, json);
    writeFileSync(`${GOLDEN}${name}.md.golden`, md);
    console.log(`wrote test/golden/${name}.{json,md}.golden`);
  }
}
