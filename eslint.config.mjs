import nx from '@nx/eslint-plugin';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

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

export default tseslint.config(
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
  ...tseslint.configs.recommended,
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
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: ['type:domain', 'type:util', 'type:test', 'type:upstream'],
            },
            {
              sourceTag: 'type:test',
              onlyDependOnLibsWithTags: ['type:domain', 'type:util', 'type:upstream'],
              // The contract suite drives apps over HTTP; it may use supertest and ws clients.
              bannedExternalImports: ['express', 'express-*', 'fastify', 'fastify-*', '@fastify/*'],
            },
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: ['type:domain', 'type:util'],
              bannedExternalImports: frameworks,
            },
            {
              sourceTag: 'type:util',
              onlyDependOnLibsWithTags: ['type:util'],
              bannedExternalImports: frameworks,
            },
            {
              // The upstream stand-in is a leaf: it imports no project of ours.
              sourceTag: 'type:upstream',
              onlyDependOnLibsWithTags: [],
            },
            {
              // The bridge is the two apps composed (the migration's middle step): it alone
              // among the apps may import them.
              sourceTag: 'type:bridge',
              onlyDependOnLibsWithTags: [
                'type:app',
                'type:domain',
                'type:util',
                'type:test',
                'type:upstream',
              ],
            },
            {
              sourceTag: 'type:tool',
              // Tools drive the apps (benchmarks start them), so they may import them.
              onlyDependOnLibsWithTags: [
                'type:app',
                'type:bridge',
                'type:domain',
                'type:util',
                'type:test',
                'type:upstream',
                'type:tool',
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
    // Build and test configuration is tooling, not project code: it may import the shared preset.
    files: ['**/vitest.config.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    files: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
