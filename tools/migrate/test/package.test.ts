// The package as npm would ship it: `npm pack` (which builds it through `prepack`), installed
// from the tarball into a project outside the repository, so nothing resolves into the
// workspace. Its dependencies come from the npm registry (typescript and typebox, usually
// already in npm's cache from the repository's own install).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE, REPO } from './helpers.js';

const PACKAGE = join(REPO, 'tools/migrate');
const GOLDEN = join(PACKAGE, 'test/golden');
const work = mkdtempSync(join(tmpdir(), 'switchyard-migrate-pack-'));
const consumer = join(work, 'consumer');

interface PackResult {
  readonly filename: string;
  readonly files: readonly { readonly path: string }[];
}

function run(command: string, args: readonly string[], cwd: string, timeout = 120_000) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout,
    env: { ...process.env, NO_COLOR: '1', npm_config_audit: 'false', npm_config_fund: 'false' },
  });
  if (result.error) throw result.error;
  return result;
}

let packed: PackResult;
let manifest: {
  private?: boolean;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
};

beforeAll(() => {
  const pack = run('npm', ['pack', '--json', '--pack-destination', work], PACKAGE);
  expect(pack.status, pack.stderr).toBe(0);
  // npm prints the build's output before the JSON when prepack runs: the JSON is the last array.
  packed = (JSON.parse(pack.stdout.slice(pack.stdout.lastIndexOf('\n[') + 1)) as PackResult[])[0]!;
  mkdirSync(consumer);
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  const install = run(
    'npm',
    ['install', '--prefer-offline', join(work, packed.filename)],
    consumer,
    180_000,
  );
  expect(install.status, install.stderr).toBe(0);
  manifest = JSON.parse(
    readFileSync(join(consumer, 'node_modules/@switchyard/migrate/package.json'), 'utf8'),
  ) as typeof manifest;
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the published package', { timeout: 120_000 }, () => {
  it('ships the bin, the built JavaScript, its declarations and the JSON Schema, and no source', () => {
    const paths = packed.files.map((file) => file.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'bin/switchyard-migrate.mjs',
        'dist/index.js',
        'dist/index.d.ts',
        'schema/report-1.schema.json',
        'README.md',
        'package.json',
      ]),
    );
    expect(
      paths.filter(
        (path) =>
          /^(src|test|scripts)\//.test(path) || (path.endsWith('.ts') && !path.endsWith('.d.ts')),
      ),
    ).toEqual([]);
  });

  it('is publishable: not private, and depends on nothing of the workspace', () => {
    expect(manifest.private).not.toBe(true);
    const workspace = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { name?: string }>;
    };
    const local = new Set(
      Object.entries(workspace.packages)
        .filter(([path]) => path !== '' && !path.includes('node_modules/'))
        .map(([, entry]) => entry.name),
    );
    const deps = Object.keys(manifest.dependencies ?? {});
    expect(deps.length).toBeGreaterThan(0);
    expect(deps.filter((name) => local.has(name))).toEqual([]);
    const installed = readFileSync(
      join(consumer, 'node_modules/@switchyard/migrate/dist/index.js'),
      'utf8',
    );
    expect(installed).not.toMatch(/from ["']@switchyard\//);
  });

  it('its bin writes the same report as the repository, from outside it', () => {
    const result = run(
      join(consumer, 'node_modules/.bin/switchyard-migrate'),
      ['scan', FIXTURE('express5-esm'), '--format', 'json'],
      consumer,
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(readFileSync(join(GOLDEN, 'express5-esm.json.golden'), 'utf8'));
  });

  it('--fail-on blocking sets the exit code through the installed bin', () => {
    const result = run(
      join(consumer, 'node_modules/.bin/switchyard-migrate'),
      ['scan', FIXTURE('express5-esm'), '--fail-on', 'blocking'],
      consumer,
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^switchyard-migrate scan: /);
  });

  it('imports as a library, and its declarations give a strict consumer real types', () => {
    writeFileSync(
      join(consumer, 'use.ts'),
      [
        "import { PLAIN, renderText, scan, type Report } from '@switchyard/migrate';",
        'export function firstLine(dir: string): string {',
        '  const report: Report = scan(dir);',
        '  // @ts-expect-error: schemaVersion is the literal 1; were Report `any`, this would be unused.',
        '  const wrong: string = report.schemaVersion;',
        "  return renderText(report, PLAIN).split('\\n')[0] ?? wrong;",
        '}',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          // TypeBox's own declarations take a minute to check; the expect-error above proves the
          // package's declarations resolve to real types.
          skipLibCheck: true,
          types: [],
        },
        files: ['use.ts'],
      }),
    );
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const check = run(process.execPath, [tsc, '-p', consumer], consumer);
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);

    const load = run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import('@switchyard/migrate'); const r = m.scan(${JSON.stringify(FIXTURE('express5-esm'))}); console.log(r.schemaVersion, r.routes.length);`,
      ],
      consumer,
    );
    expect(load.stderr).toBe('');
    const golden = JSON.parse(readFileSync(join(GOLDEN, 'express5-esm.json.golden'), 'utf8')) as {
      routes: unknown[];
    };
    expect(load.stdout.trim()).toBe(`1 ${golden.routes.length}`);
  });
});
