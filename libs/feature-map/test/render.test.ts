import { describe, expect, it } from 'vitest';
import { renderMap, type Feature } from '../src/index.js';

const feature = (overrides: Partial<Feature> = {}): Feature => ({
  id: 'cors',
  express: '`cors`',
  packages: ['cors'],
  apis: [],
  fastify: '`@fastify/cors`',
  fastifyPackages: ['@fastify/cors'],
  gotcha: 'One line.',
  recipe: 'security.md#cors',
  test: 'e2e/recipes/test/cors.test.ts',
  ...overrides,
});

describe('renderMap()', () => {
  it('writes one row per feature, its recipe linked from the page that shows the table', () => {
    expect(renderMap([feature()], 'docs/migration-guide.md').split('\n')).toEqual([
      '| You have | In Fastify | The gotcha | Recipe |',
      '| --- | --- | --- | --- |',
      '| `cors` | `@fastify/cors` | One line. | [cors](recipes/security.md#cors) |',
    ]);
    expect(renderMap([feature()], 'README.md')).toContain('(docs/recipes/security.md#cors)');
  });

  it('escapes a pipe and joins lines inside a cell', () => {
    const row = renderMap([feature({ gotcha: 'a | b\n  c' })], 'docs/x.md').split('\n')[2];
    expect(row).toContain('a \\| b c');
  });
});
