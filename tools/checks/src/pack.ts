// The pack test every reusable library runs (see docs/architecture.md, "Reusable packages"): the
// library packed as npm would publish it, installed from the tarball into a scratch project
// outside the workspace, and its README's examples run there. The examples are taken from the
// README the tarball ships, so the README and the test cannot drift apart.
import { execFile } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

export const WORKSPACE = fileURLToPath(new URL('../../..', import.meta.url));

export interface PackSpec {
  /** The library under test, as a workspace folder: `libs/router`. */
  readonly dir: string;
  /**
   * Workspace libraries it depends on, packed and installed beside it: they are not on a
   * registry, so a reader installs their tarballs too.
   */
  readonly alongside?: readonly string[];
  /** How many lines the README's JavaScript example prints (each `console.log` says what). */
  readonly exampleLines: number;
  /** Files the tarball may ship besides dist/**\/*.js, dist/**\/*.d.ts, README.md and package.json. */
  readonly extraFiles?: RegExp;
}

interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Record<string, string>;
}

/**
 * The npm_* variables a parent `npm`/`npx` sets describe the workspace, which the scratch project
 * is not in; FORCE_COLOR (Nx sets it) would colour what console.log prints.
 */
function childEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        name !== 'FORCE_COLOR' &&
        !/^npm_(config_local_prefix|config_prefix|package_|lifecycle_|command$)/i.test(name),
    ),
  );
  return { ...env, NO_COLOR: '1' };
}

const exec = promisify(execFile);
const run = (command: string, args: readonly string[], cwd: string) =>
  exec(command, args, { cwd, env: childEnv(), maxBuffer: 16 * 1024 * 1024 });

/** The fenced blocks of one language in a Markdown text, in order. */
export function fencedBlocks(markdown: string, language: string): string[] {
  const fence = new RegExp('^```' + language + '\\n([\\s\\S]*?)^```$', 'gm');
  return [...markdown.matchAll(fence)].map((match) => match[1]!);
}

/** What a script prints, as its `console.log(...); // <output>` lines say. */
export function expectedOutput(script: string): string[] {
  return [...script.matchAll(/^\s*console\.log\(.*\); \/\/ (.*)$/gm)].map((match) => match[1]!);
}

/** The package names a built file imports: `@scope/name` or `name`, subpaths dropped. */
export function importedPackages(code: string): string[] {
  const specifiers = [
    ...code.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g),
    ...code.matchAll(/(?:^|[\s;])import\s*['"]([^'"]+)['"]/g),
    ...code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((match) => match[1]!);
  return specifiers
    .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('node:'))
    .map((specifier) =>
      specifier
        .split('/')
        .slice(0, specifier.startsWith('@') ? 2 : 1)
        .join('/'),
    )
    .filter((name) => !builtinModules.includes(name));
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

async function readManifest(dir: string): Promise<Manifest> {
  return JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** Defines the suite: the tarball's files, its dependencies, and the README's examples. */
export function describePack(spec: PackSpec): void {
  const libDir = join(WORKSPACE, spec.dir);

  // A bound against a hang, not a speed target: tsc over the README's examples took past 120 s
  // in CI (stop 24) with the contract suites and two extra Node versions on the same two cores.
  describe(`${spec.dir} packed and installed outside the workspace`, { timeout: 300_000 }, () => {
    let scratch: string;
    let consumer: string;
    let tarball: string;
    let manifest: Manifest;
    let installed: string;

    beforeAll(async () => {
      manifest = await readManifest(libDir);
      scratch = await mkdtemp(join(tmpdir(), `${manifest.name.replace(/\W+/g, '-')}-pack-`));
      if (!relative(WORKSPACE, scratch).startsWith('..')) {
        throw new Error(`${scratch} is inside the workspace; set TMPDIR to a directory outside it`);
      }
      // npm pack runs each library's prepack script, which builds dist/ with tsc --build first.
      const tarballs: string[] = [];
      for (const dir of [spec.dir, ...(spec.alongside ?? [])]) {
        const { stdout } = await run(
          'npm',
          ['pack', '--json', '--pack-destination', scratch],
          join(WORKSPACE, dir),
        );
        const [packed] = JSON.parse(stdout) as Array<{ filename: string }>;
        tarballs.push(join(scratch, packed!.filename));
      }
      tarball = tarballs[0]!;

      consumer = join(scratch, 'consumer');
      await mkdir(consumer);
      await writeFile(
        join(consumer, 'package.json'),
        JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2),
      );
      // A reader type-checking against declarations that name node: modules installs these too.
      const typesNode = await readManifest(join(WORKSPACE, 'node_modules', '@types', 'node'));
      await run(
        'npm',
        [
          'install',
          ...tarballs,
          `@types/node@${typesNode.version}`,
          '--no-audit',
          '--no-fund',
          '--prefer-offline',
        ],
        consumer,
      );
      installed = join(consumer, 'node_modules', ...manifest.name.split('/'));
    }, 300_000);

    afterAll(async () => {
      if (scratch) await rm(scratch, { recursive: true, force: true });
    });

    it('ships dist/, README.md and package.json only: no sources, tests or build info', async () => {
      const { stdout } = await run('tar', ['-tzf', tarball], scratch);
      const files = stdout
        .split('\n')
        .filter(Boolean)
        .map((path) => path.replace(/^package\//, ''));
      const allowed = (path: string) =>
        /^dist\/.+\.(js|d\.ts)$|^README\.md$|^package\.json$/.test(path) ||
        (spec.extraFiles?.test(path) ?? false);

      expect(files).toEqual(
        expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts']),
      );
      expect(files.filter((path) => !allowed(path))).toEqual([]);
      expect(files.filter((path) => /\.test\.|tsbuildinfo/.test(path))).toEqual([]);
    });

    it('installs as a copy that declares every package its built files import', async () => {
      const built = await filesUnder(join(installed, 'dist'));
      const imported = new Set<string>();
      for (const file of built) {
        for (const name of importedPackages(await readFile(file, 'utf8'))) imported.add(name);
      }
      const declared = Object.keys((await readManifest(installed)).dependencies ?? {});

      expect((await lstat(installed)).isSymbolicLink()).toBe(false);
      expect([...imported].filter((name) => !declared.includes(name)).sort()).toEqual([]);
    });

    it("runs the README's JavaScript example and prints what its comments say", async () => {
      const readme = await readFile(join(installed, 'README.md'), 'utf8');
      const [example, ...others] = fencedBlocks(readme, 'js');
      expect(others).toEqual([]);
      const expected = expectedOutput(example!);
      await writeFile(join(consumer, 'example.mjs'), example!);

      const { stdout } = await run(process.execPath, ['example.mjs'], consumer);

      expect(expected).toHaveLength(spec.exampleLines);
      expect(stdout.trimEnd().split('\n')).toEqual(expected);
    });

    it("type-checks the README's TypeScript examples against the shipped declarations", async () => {
      const readme = await readFile(join(installed, 'README.md'), 'utf8');
      // The whole public API is loaded, so skipLibCheck: false checks every shipped declaration.
      const source = [`export * as api from '${manifest.name}';`, ...fencedBlocks(readme, 'ts')];
      await writeFile(join(consumer, 'consumer.mts'), source.join('\n'));
      await writeFile(
        join(consumer, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'es2022',
            module: 'nodenext',
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            types: ['node'],
          },
          files: ['consumer.mts'],
        }),
      );
      const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

      const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], consumer).then(
        ({ stdout }) => ({ ok: true, stdout }),
        (error: { stdout: string }) => ({ ok: false, stdout: error.stdout }),
      );

      expect(result).toEqual({ ok: true, stdout: '' });
    });
  });
}
