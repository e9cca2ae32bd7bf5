import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WORKSPACE } from '../src/sync-fragments.js';

/** README.md, every Markdown file under docs/, and the README of every project. */
function markdownFiles(): string[] {
  const docs = readdirSync(path.join(WORKSPACE, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.md'))
    .map((file) => path.join('docs', file));
  const readmes = ['apps', 'libs', 'tools', 'e2e'].flatMap((folder) =>
    readdirSync(path.join(WORKSPACE, folder))
      .map((project) => path.join(folder, project, 'README.md'))
      .filter((file) => existsSync(path.join(WORKSPACE, file))),
  );
  return ['README.md', ...docs, ...readmes];
}

/** The relative link targets of a Markdown text, without their #fragment. */
function relativeLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1]!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('#'))
    .map((target) => target.split('#')[0]!);
}

describe('relative links in the docs', () => {
  it('finds links in a Markdown text, leaving out URLs and same-page anchors', () => {
    const text = '[a](../x.md#part) [b](https://example.com) [c](#here) [d](y/)';
    expect(relativeLinks(text)).toEqual(['../x.md', 'y/']);
  });

  it.each(markdownFiles())('%s links only to files and folders that exist', (file) => {
    const text = readFileSync(path.join(WORKSPACE, file), 'utf8');
    const missing = relativeLinks(text).filter(
      (target) => !existsSync(path.resolve(WORKSPACE, path.dirname(file), target)),
    );
    expect(missing).toEqual([]);
  });
});
