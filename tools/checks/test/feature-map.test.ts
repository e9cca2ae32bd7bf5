// The guide's "Map your app" rows (libs/feature-map) against the repository: every row links a
// recipe section that exists and a test in e2e/recipes that runs in CI and names that section,
// and every package a row names appears in the guide or the recipes.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { FEATURES } from '@switchyard/feature-map';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), 'utf8');
const recipes = readdirSync(new URL('docs/recipes/', root)).filter((f) => f.endsWith('.md'));
const prose = [read('docs/migration-guide.md'), ...recipes.map((f) => read(`docs/recipes/${f}`))]
  .join('\n')
  .toLowerCase();

/** What a reader with a production Express API searches the guide for (issue 14). */
const SEARCHED = [
  'multer',
  'passport',
  'cors',
  'cookie',
  'session',
  'static',
  'compression',
  'trust proxy',
  'body-parser',
  'urlencoded',
  '@fastify/formbody',
  '@fastify/multipart',
  'cookie-parser',
  'express-session',
  '@fastify/passport',
  'helmet',
  '@fastify/view',
  'morgan',
  'express-rate-limit',
  'csurf',
  '@fastify/csrf-protection',
  'express-validator',
  'joi',
  'celebrate',
  'zod',
  'http-proxy-middleware',
  'app.param',
  'res.locals',
  'declare module',
];

describe('libs/feature-map', () => {
  it('has at least 40 rows', () => {
    expect(FEATURES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(SEARCHED)('the guide or a recipe names %s', (name) => {
    expect(prose).toContain(name);
  });

  it('has one row per id, each a kebab-case name', () => {
    const ids = FEATURES.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  });

  it.each(FEATURES.map((f) => [f.id, f] as const))(
    '%s links a recipe section that exists',
    (_id, feature) => {
      const [page, anchor] = feature.recipe.split('#');
      expect(anchor, `${feature.recipe} names no section`).toBeTruthy();
      expect(existsSync(new URL(`docs/recipes/${page}`, root))).toBe(true);
      expect(read(`docs/recipes/${page}`)).toContain(`<a id="${anchor}"></a>`);
    },
  );

  it.each(FEATURES.map((f) => [f.id, f] as const))(
    '%s has a test in e2e/recipes/test that names its recipe',
    (_id, feature) => {
      expect(feature.test).toMatch(/^e2e\/recipes\/test\/[\w-]+\.test\.ts$/);
      expect(existsSync(new URL(feature.test, root))).toBe(true);
      expect(read(feature.test)).toContain(`docs/recipes/${feature.recipe}`);
    },
  );

  it.each(FEATURES.map((f) => [f.id, f] as const))(
    '%s: the packages it names appear in the guide or the recipes',
    (_id, feature) => {
      for (const name of [...feature.packages, ...feature.fastifyPackages]) {
        expect(prose, name).toContain(name.toLowerCase());
      }
    },
  );
});
