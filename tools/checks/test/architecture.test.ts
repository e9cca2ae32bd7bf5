import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface DepConstraint {
  readonly sourceTag: string;
  readonly onlyDependOnLibsWithTags: readonly string[];
  readonly bannedExternalImports?: readonly string[];
}

const root = new URL('../../../', import.meta.url);
const doc = readFileSync(new URL('docs/architecture.md', root), 'utf8');
// The flat config itself, so the table is checked against what lint enforces.
const { default: eslintConfig } = (await import(new URL('eslint.config.mjs', root).href)) as {
  default: Array<{ rules?: Record<string, unknown> }>;
};

const constraints: DepConstraint[] = eslintConfig.flatMap((block) => {
  const rule = block.rules?.['@nx/enforce-module-boundaries'];
  return Array.isArray(rule) ? (rule[1] as { depConstraints: DepConstraint[] }).depConstraints : [];
});
const layerTags = constraints.map((c) => c.sourceTag).filter((tag) => tag.startsWith('layer:'));

const ticked = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]!);

/** The rows of "What each package may import": tag, projects, allowed tags. */
const rows = [...doc.matchAll(/^\| `((?:layer|type):[\w-]+)` +\|([^|]*)\|([^|]*)\|/gm)].map(
  ([, tag, projects, allowed]) => ({
    tag: tag!,
    projects: ticked(projects!),
    allowed:
      allowed!.trim() === 'nothing'
        ? []
        : ticked(allowed!).flatMap((t) => (t === 'layer:*' ? layerTags : [t])),
  }),
);

/** The list in footnote `n` under the table. */
const footnote = (n: number) =>
  ticked(new RegExp(`^${n}\\. ([\\s\\S]*?)(?=^\\d\\. |^$)`, 'm').exec(doc)![1]!);

describe('docs/architecture.md against eslint.config.mjs', () => {
  it('has one row per depConstraint, with the tags it may import', () => {
    expect(rows.map(({ tag, allowed }) => ({ tag, allowed: [...allowed].sort() }))).toEqual(
      constraints.map((c) => ({
        tag: c.sourceTag,
        allowed: [...c.onlyDependOnLibsWithTags].sort(),
      })),
    );
  });

  it('names, in each row, projects that carry the tag', () => {
    for (const { tag, projects } of rows) {
      for (const project of projects) {
        const manifest = JSON.parse(readFileSync(new URL(`${project}/package.json`, root), 'utf8'));
        expect({ project, tags: manifest.nx?.tags ?? [] }).toEqual({
          project,
          tags: expect.arrayContaining([tag]),
        });
      }
    }
  });

  it('lists the banned imports the config bans', () => {
    const banned = (tag: string) =>
      constraints.find((c) => c.sourceTag === tag)!.bannedExternalImports!;
    const frameworks = banned('layer:router');

    expect(footnote(1)).toEqual(frameworks);
    expect(footnote(2)).toEqual(banned('layer:domain').filter((m) => !frameworks.includes(m)));
    for (const tag of layerTags.filter((t) => t !== 'layer:testing' && t !== 'layer:domain')) {
      expect({ tag, banned: banned(tag) }).toEqual({ tag, banned: frameworks });
    }
  });
});
