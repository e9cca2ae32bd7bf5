import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RouterErrorCode } from '../src/index.js';
import { FaqBot, HandOffBot, answer, bots, statusOf, support } from './readme-example.js';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const readme = read('../README.md');

/** The fenced blocks of one language in README.md, in order. */
function blocks(language: string): string[] {
  const fence = new RegExp('^```' + language + '\\n([\\s\\S]*?)^```$', 'gm');
  return [...readme.matchAll(fence)].map((match) => match[1]!);
}

/** README blocks import from the package; the example file imports from src/. */
function withoutPackageImports(block: string): string {
  return block.replace(/^import .* from '@switchyard\/router';\n\n?/gm, '');
}

describe('README example', () => {
  it('registers by decorator and through an include, in the documented order', () => {
    expect(bots.keys()).toEqual(['faq', 'human']);
    expect(bots.get('faq')).toBe(FaqBot);
    expect(bots.get('human')).toBe(HandOffBot);
    expect(support.keys()).toEqual(['human']);
  });

  it('answers through the class under the key, built with the user id', () => {
    expect(answer('faq', 'ann', 'opening hours')).toBe(
      'ann, the answer to "opening hours" is in the FAQ',
    );
    expect(answer('human', 'bo', 'help')).toBe('bo, a person will answer shortly');
  });

  it('lets the app map an unknown key to 404 and any other error to 500', () => {
    let thrown: unknown;
    try {
      answer('weather', 'ann', 'rain?');
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toEqual(expect.objectContaining({ code: RouterErrorCode.UNKNOWN_KEY }));
    expect(statusOf(thrown)).toBe(404);
    expect(statusOf(new Error('boom'))).toBe(500);
  });
});

describe('README.md', () => {
  it('shows each TypeScript block exactly as test/readme-example.ts has it', () => {
    const regions = [
      ...read('./readme-example.ts').matchAll(/^\/\/ #region \w+\n([\s\S]*?)^\/\/ #endregion$/gm),
    ].map((match) => match[1]!);

    expect(regions).toHaveLength(3);
    expect(blocks('ts').map(withoutPackageImports)).toEqual(regions);
  });

  it('has one plain JavaScript block, which the pack test runs', () => {
    expect(blocks('js')).toHaveLength(1);
  });

  it('links the error table to docs/errors.md', () => {
    expect(readme).toContain('](../../docs/errors.md)');
  });
});
