// `npm run docs:fragments`: copies every marked source region into the docs that embed it
// (see fragments.ts). With --check it changes nothing and exits 1 when a doc is stale.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FEATURES, renderMap } from '@switchyard/feature-map';
import { renderText, scan } from '@switchyard/migrate';
import * as prettier from 'prettier';
import { FragmentError, syncGenerated, syncMarkdown, type Generators } from './fragments.js';

export const WORKSPACE = fileURLToPath(new URL('../../../', import.meta.url));

/** README.md and every Markdown file under docs/. */
export function docFiles(): string[] {
  const docs = readdirSync(path.join(WORKSPACE, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join('docs', f));
  return ['README.md', ...docs];
}

export const readSource = (file: string) => readFileSync(path.join(WORKSPACE, file), 'utf8');

/** The generated blocks the docs may hold. */
export const GENERATORS: Generators = {
  'feature-map': (page) => renderMap(FEATURES, page),
  // A real run of the scanner on express-api, as `npx switchyard-migrate scan apps/express-api`
  // prints it without colour: a change to the app or to the scanner shows up in the docs.
  'scan-express-api': () =>
    ['```text', renderText(scan(path.join(WORKSPACE, 'apps/express-api'))).trimEnd(), '```'].join(
      '\n',
    ),
};

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1]);
if (isMain) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const doc of docFiles()) {
    const before = readSource(doc);
    let result: ReturnType<typeof syncMarkdown>;
    let generated: ReturnType<typeof syncGenerated>;
    try {
      result = syncMarkdown(before, readSource);
      generated = syncGenerated(result.text, doc, GENERATORS);
    } catch (error) {
      if (!(error instanceof FragmentError)) throw error;
      console.error(`${doc}: ${error.message}`);
      process.exitCode = 1;
      continue;
    }
    for (const e of result.stale) console.log(`${doc}: ${e.file}#${e.region} is stale`);
    for (const name of generated.stale) console.log(`${doc}: the generated ${name} is stale`);
    stale += result.stale.length + generated.stale.length;
    if (!check && generated.text !== before) {
      // Formatted as `prettier --check` wants it: a generated table comes out unpadded.
      const file = path.join(WORKSPACE, doc);
      const options = await prettier.resolveConfig(file);
      writeFileSync(file, await prettier.format(generated.text, { ...options, filepath: file }));
    }
  }
  if (check && stale) process.exitCode = 1;
  else if (!check)
    console.log(stale ? `Updated ${stale} fragment(s).` : 'Every fragment is up to date.');
}
