import { describe, expect, it } from 'vitest';
import { extractRegion, FragmentError, syncGenerated, syncMarkdown } from '../src/fragments.js';
import { docFiles, GENERATORS, readSource } from '../src/sync-fragments.js';

const source = [
  'import x from "y";',
  '',
  'export function f() {',
  '  // #region guide:inner',
  '  // #region guide:other',
  '  const a = 1;',
  '  // #endregion guide:other',
  '  return a;',
  '  // #endregion guide:inner',
  '}',
].join('\n');

const doc = (code: string) =>
  `Intro.\n\n<!-- fragment: src/f.ts#inner -->\n\n\`\`\`ts\n${code}\n\`\`\`\n\n<!-- /fragment -->\n\nOutro.\n`;

describe('extractRegion()', () => {
  it('returns the region dedented, without the marker lines of other regions', () => {
    expect(extractRegion(source, 'inner')).toBe('const a = 1;\nreturn a;');
  });

  it('throws a FragmentError for a region that is missing, unclosed or opened twice', () => {
    expect(() => extractRegion(source, 'missing')).toThrow(FragmentError);
    expect(() => extractRegion('// #region guide:a\nx', 'a')).toThrow(/close once/);
    expect(() =>
      extractRegion('// #region guide:a\n// #region guide:a\nx\n// #endregion guide:a', 'a'),
    ).toThrow(FragmentError);
  });
});

describe('syncMarkdown()', () => {
  const read = () => source;

  it('reports nothing and changes nothing when the doc matches the source', () => {
    const text = doc('const a = 1;\nreturn a;');
    const result = syncMarkdown(text, read);
    expect(result.stale).toEqual([]);
    expect(result.embeds).toEqual([{ file: 'src/f.ts', region: 'inner' }]);
    expect(result.text).toBe(text);
  });

  it('reports a fragment whose code differs from the source, and rewrites it', () => {
    const result = syncMarkdown(doc('const a = 2;\nreturn a;'), read);
    expect(result.stale).toEqual([{ file: 'src/f.ts', region: 'inner' }]);
    expect(result.text).toBe(doc('const a = 1;\nreturn a;'));
  });

  it('fills an empty fragment and throws for a marker that is never closed', () => {
    const empty = 'x\n<!-- fragment: src/f.ts#inner -->\n<!-- /fragment -->\n';
    expect(syncMarkdown(empty, read).text).toContain('```ts\nconst a = 1;\nreturn a;\n```');
    expect(() => syncMarkdown('<!-- fragment: src/f.ts#inner -->\n```ts\nx\n```\n', read)).toThrow(
      FragmentError,
    );
  });
});

describe('syncGenerated()', () => {
  const generators = { hello: (page: string) => `hello from ${page}` };
  const block = (body: string) =>
    `A.\n\n<!-- generated: hello -->\n\n${body}\n\n<!-- /generated -->\n`;

  it('rewrites a generated block from its generator and names it when it was stale', () => {
    const result = syncGenerated(block('old'), 'docs/x.md', generators);
    expect(result.text).toBe(block('hello from docs/x.md'));
    expect(result.stale).toEqual(['hello']);
    expect(syncGenerated(result.text, 'docs/x.md', generators).stale).toEqual([]);
  });

  it('throws a FragmentError for a block no generator writes', () => {
    expect(() => syncGenerated(block('x'), 'docs/x.md', {})).toThrow(FragmentError);
  });
});

describe('the docs in this repository', () => {
  it.each(docFiles())('%s embeds every fragment exactly as its source has it', (file) => {
    const result = syncMarkdown(readSource(file), readSource);
    expect(result.stale, 'run `npm run docs:fragments`').toEqual([]);
    expect(
      syncGenerated(result.text, file, GENERATORS).stale,
      'run `npm run docs:fragments`',
    ).toEqual([]);
  });
});
