// Code fragments in the docs that cannot rot. A source file marks a region:
//
//   // #region guide:sync-crypto
//   ...code...
//   // #endregion guide:sync-crypto
//
// and a Markdown file embeds it between two comments, with the code in a fenced block:
//
//   <!-- fragment: apps/express-api/src/lib/passwords.ts#sync-crypto -->
//
//   ```ts
//   ...code, copied here by `npm run docs:fragments`...
//   ```
//
//   <!-- /fragment -->
//
// `syncMarkdown` rewrites every embedded block from its region; the test in
// test/doc-fragments.test.ts fails when a doc and its source disagree.

const REGION = /^[ \t]*\/\/ #(region|endregion) guide:([\w-]+)[ \t]*$/;
// Blank lines around the fence are what Prettier keeps; code inside a fence it leaves alone
// (`embeddedLanguageFormatting: off` for Markdown in .prettierrc.json), so the copy stays exact.
const EMBED =
  /<!-- fragment: ([^#\s]+)#([\w-]+) -->\n\n?(```[\w-]*\n[\s\S]*?```\n\n?)?<!-- \/fragment -->/g;

const LANGUAGE: Record<string, string> = { ts: 'ts', mts: 'ts', js: 'js', mjs: 'js', sql: 'sql' };

export class FragmentError extends Error {}

/** The code between `// #region guide:<name>` and its `#endregion`, dedented. */
export function extractRegion(source: string, name: string, file = 'source'): string {
  const lines = source.split('\n');
  const starts: number[] = [];
  const ends: number[] = [];
  lines.forEach((line, i) => {
    const m = REGION.exec(line);
    if (m?.[2] !== name) return;
    (m[1] === 'region' ? starts : ends).push(i);
  });
  if (starts.length !== 1 || ends.length !== 1 || ends[0]! < starts[0]!) {
    throw new FragmentError(
      `${file}: region guide:${name} must open once and close once after it (found ${starts.length} #region, ${ends.length} #endregion)`,
    );
  }
  // Other regions may nest or overlap; their marker lines are not part of the fragment.
  const body = lines.slice(starts[0]! + 1, ends[0]!).filter((line) => !REGION.test(line));
  while (body.length && body[0]!.trim() === '') body.shift();
  while (body.length && body.at(-1)!.trim() === '') body.pop();
  if (!body.length) throw new FragmentError(`${file}: region guide:${name} is empty`);
  const indent = Math.min(
    ...body.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length),
  );
  return body.map((l) => l.slice(indent)).join('\n');
}

export interface Embed {
  readonly file: string;
  readonly region: string;
}

export interface SyncResult {
  /** The Markdown with every fragment block rewritten from its source. */
  readonly text: string;
  /** The fragments whose block differed from the source. */
  readonly stale: readonly Embed[];
  readonly embeds: readonly Embed[];
}

/** Rewrites every fragment block of `markdown` from `read(file)`. Throws on a broken marker. */
export function syncMarkdown(markdown: string, read: (file: string) => string): SyncResult {
  const stale: Embed[] = [];
  const embeds: Embed[] = [];
  const text = markdown.replace(EMBED, (whole, file: string, region: string) => {
    const extension = file.split('.').pop() ?? '';
    const code = extractRegion(read(file), region, file);
    const block = `<!-- fragment: ${file}#${region} -->\n\n\`\`\`${LANGUAGE[extension] ?? ''}\n${code}\n\`\`\`\n\n<!-- /fragment -->`;
    embeds.push({ file, region });
    if (block !== whole) stale.push({ file, region });
    return block;
  });
  const opened = markdown.match(/<!-- fragment: /g)?.length ?? 0;
  if (opened !== embeds.length) {
    throw new FragmentError(
      `${opened - embeds.length} fragment marker(s) without a well-formed block and closing <!-- /fragment -->`,
    );
  }
  return { text, stale, embeds };
}

// A generated block is Markdown that a function of the repository writes, between
//
//   <!-- generated: feature-map -->
//   ...the function's output, written by `npm run docs:fragments`...
//   <!-- /generated -->
//
// (the guide's "Map your app" table is the feature map's rows rendered).
const GENERATED = /<!-- generated: ([\w-]+) -->\n[\s\S]*?<!-- \/generated -->/g;

/** A Markdown table's lines without the padding and the dashes' length Prettier chooses. */
const padless = (text: string) =>
  text
    .split('\n')
    .map((line) =>
      line.startsWith('|') ? line.replace(/ *\| */g, '|').replace(/\|:?-+:?(?=\|)/g, '|-') : line,
    )
    .join('\n');

/** What writes each kind of generated block, given the page it is on (from the repository root). */
export type Generators = Readonly<Record<string, (page: string) => string>>;

/** Rewrites every generated block of `markdown`; `stale` names those that differed. */
export function syncGenerated(
  markdown: string,
  page: string,
  generators: Generators,
): { readonly text: string; readonly stale: readonly string[] } {
  const stale: string[] = [];
  const text = markdown.replace(GENERATED, (whole, name: string) => {
    const generate = generators[name];
    if (!generate) throw new FragmentError(`no generator for <!-- generated: ${name} -->`);
    const block = `<!-- generated: ${name} -->\n\n${generate(page).trim()}\n\n<!-- /generated -->`;
    // Prettier pads a table's cells after the block is written: the same table either way.
    if (padless(block) === padless(whole)) return whole;
    stale.push(name);
    return block;
  });
  return { text, stale };
}
