// The golden outputs of the fixture apps and the report's JSON Schema file:
// `npm run golden -w @switchyard/migrate` rewrites them after a deliberate change to the report;
// test/golden.test.ts compares against them and never writes them.
import { readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { ReportSchema, SCHEMA_VERSION } from '../src/lib/schema.js';
import { renderMarkdown } from '../src/lib/render.js';
import { scan } from '../src/lib/scan.js';

export const FIXTURES = fileURLToPath(new URL('../test/fixtures/', import.meta.url));
export const GOLDEN = fileURLToPath(new URL('../test/golden/', import.meta.url));
/** The schema as a file, for readers of the JSON who do not use TypeBox. */
export const SCHEMA_FILE = fileURLToPath(
  new URL(`../schema/report-${SCHEMA_VERSION}.schema.json`, import.meta.url),
);

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
  const schema = JSON.stringify({
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    ...ReportSchema,
  });
  const options = (await resolveConfig(SCHEMA_FILE)) ?? {};
  writeFileSync(SCHEMA_FILE, await format(schema, { ...options, parser: 'json' }));
  console.log(`wrote schema/report-${SCHEMA_VERSION}.schema.json`);
}
