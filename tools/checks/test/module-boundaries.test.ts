import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** Lints `code` as if it were a file at `filePath`, and returns the boundary rule's messages. */
async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${filePath}` });
  return result!.messages
    .filter((m) => m.ruleId === '@nx/enforce-module-boundaries')
    .map((m) => m.message);
}

describe('module boundaries (eslint.config.mjs)', () => {
  it.each([
    ['libs/domain', 'express', 'libs/domain/src/lib/bad.ts'],
    ['libs/domain', 'fastify', 'libs/domain/src/lib/bad.ts'],
    ['libs/router', 'express', 'libs/router/src/lib/bad.ts'],
    ['libs/router', '@fastify/websocket', 'libs/router/src/lib/bad.ts'],
  ])('fails lint when %s imports %s', async (_lib, module, file) => {
    const errors = await boundaryErrors(file, `import x from '${module}';\nexport default x;\n`);
    expect(errors.join('\n')).toMatch(/banned|imports of .* are banned|not allowed/i);
  });

  it('fails lint when a library imports an app', async () => {
    const errors = await boundaryErrors(
      'libs/domain/src/lib/bad.ts',
      "import { startUpstream } from '@switchyard/upstream';\nexport default startUpstream;\n",
    );
    expect(errors.length).toBeGreaterThan(0);
  });

  it('fails lint when the router (no dependencies) imports the domain', async () => {
    const errors = await boundaryErrors(
      'libs/router/src/lib/bad.ts',
      "import { AppError } from '@switchyard/domain';\nexport default AppError;\n",
    );
    expect(errors.length).toBeGreaterThan(0);
  });

  it('lets an app import a framework', async () => {
    const errors = await boundaryErrors(
      'apps/upstream/src/ok.ts',
      "import Fastify from 'fastify';\nexport default Fastify;\n",
    );
    expect(errors).toEqual([]);
  });
});
