import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
// The probe files exist only as text, so no tsconfig holds them and the project service would
// refuse to parse them: these rules need no types, and the type-aware ones are off here.
const eslint = new ESLint({ cwd: root, overrideConfig: tseslint.configs.disableTypeChecked });

const BOUNDARY_RULES = new Set(['@nx/enforce-module-boundaries', 'no-restricted-imports']);

/** Lints `code` as if it were a file at `filePath`, and returns the boundary rules' messages. */
async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${filePath}` });
  // A file ESLint cannot parse has no boundary messages: the "lets …" cases would pass unseen.
  const fatal = result!.messages.find((m) => m.fatal);
  if (fatal) throw new Error(`${filePath}: ${fatal.message}`);
  return result!.messages.filter((m) => BOUNDARY_RULES.has(m.ruleId ?? '')).map((m) => m.message);
}

const importing = (module: string) => `import x from '${module}';\nexport default x;\n`;

/** One file in each library, lowest layer first (eslint.config.mjs, docs/architecture.md). */
const libFile = {
  router: 'libs/router/src/lib/bad.ts',
  'api-spec': 'libs/api-spec/src/lib/bad.ts',
  persistence: 'libs/persistence/src/lib/bad.ts',
  runtime: 'libs/runtime/src/lib/bad.ts',
  domain: 'libs/domain/src/lib/bad.ts',
  'http-kit': 'libs/http-kit/src/lib/bad.ts',
  testing: 'libs/testing/src/lib/bad.ts',
} as const;

describe('module boundaries (eslint.config.mjs)', () => {
  describe('no library imports a web framework', () => {
    const cases = Object.entries(libFile)
      .filter(([layer]) => layer !== 'testing')
      .flatMap(([layer, file]) =>
        ['express', 'fastify', '@fastify/websocket'].map((m) => [layer, m, file] as const),
      );
    it.each(cases)('fails lint when libs/%s imports %s', async (_layer, module, file) => {
      const errors = await boundaryErrors(file, importing(module));
      expect(errors.join('\n')).toMatch(/is not allowed to import/);
    });

    it('fails lint when libs/testing imports express (the stand-in is Fastify; Express is not allowed)', async () => {
      const errors = await boundaryErrors(libFile.testing, importing('express'));
      expect(errors.join('\n')).toMatch(/is not allowed to import/);
    });
  });

  describe('the core (libs/domain) sees no HTTP, process or database driver', () => {
    it.each(['pg', 'ioredis', '@electric-sql/pglite', 'undici'])(
      'fails lint when libs/domain imports %s',
      async (module) => {
        const errors = await boundaryErrors(libFile.domain, importing(module));
        expect(errors.join('\n')).toMatch(/is not allowed to import/);
      },
    );
    it.each(['node:http', 'node:cluster', 'node:net', 'http'])(
      'fails lint when libs/domain imports %s',
      async (module) => {
        const errors = await boundaryErrors(libFile.domain, importing(module));
        expect(errors.join('\n')).toMatch(/libs\/domain is the core/);
      },
    );
    it('lets libs/persistence import pg and libs/runtime import node:cluster', async () => {
      expect(await boundaryErrors(libFile.persistence, importing('pg'))).toEqual([]);
      expect(await boundaryErrors(libFile.runtime, importing('node:cluster'))).toEqual([]);
    });
  });

  describe('a library imports only the layers below it', () => {
    it.each([
      ['router', '@switchyard/api-spec'],
      ['api-spec', '@switchyard/persistence'],
      ['persistence', '@switchyard/domain'],
      ['runtime', '@switchyard/domain'],
      ['domain', '@switchyard/http-kit'],
      ['http-kit', '@switchyard/testing'],
    ] as const)('fails lint when libs/%s imports %s', async (layer, module) => {
      const errors = await boundaryErrors(libFile[layer], importing(module));
      expect(errors.join('\n')).toMatch(
        /can only depend on libs tagged with|cannot depend on any libs|Circular dependency/,
      );
    });

    it.each([
      ['domain', '@switchyard/persistence'],
      ['domain', '@switchyard/api-spec'],
      ['http-kit', '@switchyard/runtime'],
      ['testing', '@switchyard/persistence'],
    ] as const)('lets libs/%s import %s', async (layer, module) => {
      expect(await boundaryErrors(libFile[layer], importing(module))).toEqual([]);
    });
  });

  describe('no library imports an app', () => {
    it.each([
      ['domain', '@switchyard/fastify-api'],
      ['testing', '@switchyard/express-api'],
      ['http-kit', '@switchyard/bridge-api'],
      ['testing', '@switchyard/e2e-contract'],
    ] as const)('fails lint when libs/%s imports %s', async (layer, module) => {
      const errors = await boundaryErrors(libFile[layer], importing(module));
      expect(errors.length).toBeGreaterThan(0);
    });
  });

  describe('apps and suites', () => {
    it('lets an app import its framework', async () => {
      expect(await boundaryErrors('apps/fastify-api/src/ok.ts', importing('fastify'))).toEqual([]);
      expect(await boundaryErrors('apps/express-api/src/ok.ts', importing('express'))).toEqual([]);
    });
    it('fails lint when one app imports the other (only the bridge composes them)', async () => {
      const errors = await boundaryErrors(
        'apps/fastify-api/src/bad.ts',
        importing('@switchyard/express-api'),
      );
      expect(errors.length).toBeGreaterThan(0);
      expect(
        await boundaryErrors('apps/bridge-api/src/ok.ts', importing('@switchyard/express-api')),
      ).toEqual([]);
    });
    it('lets the e2e suites import the apps', async () => {
      expect(
        await boundaryErrors('e2e/contract/src/ok.ts', importing('@switchyard/fastify-api')),
      ).toEqual([]);
    });
  });
});
