import { posix } from 'node:path';
import type { Feature } from './feature.js';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

/**
 * The guide's "Map your app" table, one row per feature, each recipe linked relative to the
 * page that shows the table (`page`, from the repository root, e.g. `docs/migration-guide.md`).
 */
export function renderMap(features: readonly Feature[], page: string): string {
  const link = (f: Feature) => {
    const [file, anchor] = f.recipe.split('#');
    const target = posix.relative(posix.dirname(page), `docs/recipes/${file}`);
    return `[${f.id}](${target}${anchor ? `#${anchor}` : ''})`;
  };
  return [
    '| You have | In Fastify | The gotcha | Recipe |',
    '| --- | --- | --- | --- |',
    ...features.map(
      (f) => `| ${[f.express, f.fastify, f.gotcha].map(cell).join(' | ')} | ${link(f)} |`,
    ),
  ].join('\n');
}
