import nx from '@nx/eslint-plugin';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// The layers of libs/, lowest first. A library may import only the layers below it; the
// order is docs/architecture.md's diagram. Each is a tag, `layer:<name>`, in its package.json.
const layers = ['router', 'api-spec', 'persistence', 'runtime', 'domain', 'http-kit', 'testing'];
const below = (layer) => layers.slice(0, layers.indexOf(layer)).map((l) => `layer:${l}`);
const allLayers = layers.map((l) => `layer:${l}`);

// Libraries never see a web framework: the migration lives in apps/, the shared code in libs/.
const frameworks = [
  'express',
  'express-*',
  'fastify',
  'fastify-*',
  '@fastify/*',
  'ws',
  'helmet',
  'pino-http',
  'supertest',
];
// The core also stays clear of the process, the network and the database drivers: those are
// the layers below it (persistence, runtime) or the apps above it.
const outsideTheCore = ['pg', 'pg-*', '@electric-sql/*', 'ioredis', 'undici', 'postgrator'];
const nodeOutsideTheCore = ['http', 'https', 'http2', 'net', 'cluster', 'child_process', 'tls'];

const libConstraint = (layer, banned = frameworks) => ({
  sourceTag: `layer:${layer}`,
  onlyDependOnLibsWithTags: below(layer),
  bannedExternalImports: banned,
});

export default defineConfig(
  {
    ignores: [
      '**/dist',
      '**/out-tsc',
      '**/node_modules',
      '**/.nx',
      '**/vitest.config.*.timestamp*',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    // Type-aware rules for all TypeScript (https://typescript-eslint.io/getting-started/typed-linting).
    // The project service finds each file's tsconfig; the few files that no tsconfig includes
    // (each project's vitest.config.ts, the e2e measuring script) get tsconfig.base.json's
    // options instead of TypeScript's defaults. Plain JavaScript is in no tsconfig and stays
    // untyped: these rules are not on for it. The whole recommendedTypeChecked set found 236
    // problems here, most of them no-unsafe-* on supertest's `any` bodies, so only the two
    // rules about promises are on.
    files: ['**/*.ts', '**/*.mts', '**/*.cts'],
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ['*/*/vitest.config.ts', 'e2e/contract/scripts/*.ts'],
          defaultProject: 'tsconfig.base.json',
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // A guide about async code must not float promises: every promise is awaited, returned,
      // or marked `void` with a comment saying why nobody waits for it.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  { plugins: { '@nx': nx } },
  // Plain JavaScript (probes, fixtures, CI scripts) runs in Node.
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], languageOptions: { globals: globals.node } },
  {
    files: ['**/*.ts', '**/*.mts', '**/*.js', '**/*.mjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            libConstraint('router'),
            libConstraint('api-spec'),
            libConstraint('persistence'),
            libConstraint('runtime'),
            libConstraint('domain', [...frameworks, ...outsideTheCore]),
            libConstraint('http-kit'),
            {
              // The harness and the upstream stand-in. The stand-in is itself a Fastify server
              // (it plays the services the gateway calls), so Fastify is allowed here; Express is not.
              sourceTag: 'layer:testing',
              onlyDependOnLibsWithTags: below('testing'),
              bannedExternalImports: ['express', 'express-*'],
            },
            {
              // libs/feature-map: data about the two frameworks (the guide's map, the scanner),
              // with no import of its own.
              sourceTag: 'type:data',
              onlyDependOnLibsWithTags: [],
              bannedExternalImports: frameworks,
            },
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: allLayers,
            },
            {
              // The upstream stand-in's thin main over libs/testing.
              sourceTag: 'type:upstream',
              onlyDependOnLibsWithTags: ['layer:testing'],
            },
            {
              // The bridge is the two apps composed (the migration's middle step): it alone
              // among the apps may import them.
              sourceTag: 'type:bridge',
              onlyDependOnLibsWithTags: [...allLayers, 'type:app'],
            },
            {
              // The suites run over every app, like nx-examples' *-e2e projects.
              sourceTag: 'type:e2e',
              onlyDependOnLibsWithTags: [...allLayers, 'type:app', 'type:bridge', 'type:data'],
            },
            {
              sourceTag: 'type:tool',
              // Tools drive the apps (benchmarks start them), so they may import them; tools/scale
              // runs the e2e suites through its balancer, so tools may import those too.
              onlyDependOnLibsWithTags: [
                ...allLayers,
                'type:app',
                'type:bridge',
                'type:upstream',
                'type:tool',
                'type:data',
                'type:e2e',
              ],
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The core (libs/domain) talks to HTTP, processes and databases only through its ports.
    files: ['libs/domain/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeOutsideTheCore.flatMap((m) => [
            {
              name: m,
              message:
                'libs/domain is the core: no HTTP, process or network (docs/architecture.md).',
            },
            {
              name: `node:${m}`,
              message:
                'libs/domain is the core: no HTTP, process or network (docs/architecture.md).',
            },
          ]),
        },
      ],
    },
  },
  {
    // Build and test configuration is tooling, not project code: it may import the shared preset.
    files: ['**/vitest.config.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    files: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
