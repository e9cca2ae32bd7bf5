import { execFile } from 'node:child_process';
import { copyFile, lstat, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const libDir = fileURLToPath(new URL('..', import.meta.url));
const workspaceRoot = join(libDir, '..', '..');
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

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

const run = (command: string, args: string[], cwd: string) =>
  exec(command, args, { cwd, env: childEnv(), maxBuffer: 16 * 1024 * 1024 });

interface PackResult {
  readonly filename: string;
}

// Packs the library as npm would publish it and uses it from a project outside the workspace.
describe('@switchyard/router tarball', { timeout: 60_000 }, () => {
  let scratch: string;
  let consumer: string;
  let tarball: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'switchyard-router-pack-'));
    if (!relative(workspaceRoot, scratch).startsWith('..')) {
      throw new Error(`${scratch} is inside the workspace; set TMPDIR to a directory outside it`);
    }
    // npm pack runs the prepack script, which builds dist/ with tsc --build first.
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', scratch], libDir);
    const [packed] = JSON.parse(stdout) as PackResult[];
    tarball = join(scratch, packed!.filename);

    consumer = join(scratch, 'consumer');
    await mkdir(consumer);
    await writeFile(
      join(consumer, 'package.json'),
      JSON.stringify({ name: 'router-consumer', private: true, type: 'module' }, null, 2),
    );
    await run('npm', ['install', tarball, '--no-audit', '--no-fund', '--offline'], consumer);
  }, 60_000);

  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('ships dist/, README.md and package.json, and no sources, tests or build info', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball], scratch);
    const files = stdout
      .split('\n')
      .filter(Boolean)
      .map((path) => path.replace(/^package\//, ''));

    expect(files).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts']),
    );
    expect(files.filter((path) => !/^dist\/|^README\.md$|^package\.json$/.test(path))).toEqual([]);
    expect(files.filter((path) => /\.test\.|tsbuildinfo|^src\/|^test\//.test(path))).toEqual([]);
  });

  it('installs as a copy with no dependencies', async () => {
    const installed = join(consumer, 'node_modules', '@switchyard', 'router');
    const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8'));

    expect((await lstat(installed)).isSymbolicLink()).toBe(false);
    expect(manifest.name).toBe('@switchyard/router');
    expect(manifest.dependencies).toBeUndefined();
  });

  it('registers, includes with a prefix, resolves, creates and throws coded errors from plain JavaScript', async () => {
    const script = await readFile(fixture('consumer.mjs'), 'utf8');
    // Each console.log line of the example ends with a comment saying what it prints.
    const expected = [...script.matchAll(/^\s*console\.log\(.*\); \/\/ (.*)$/gm)].map(
      (match) => match[1],
    );
    await copyFile(fixture('consumer.mjs'), join(consumer, 'consumer.mjs'));

    const { stdout } = await run(process.execPath, ['consumer.mjs'], consumer);

    expect(expected).toHaveLength(5);
    expect(stdout.trimEnd().split('\n')).toEqual(expected);
  });

  it('type-checks a TypeScript consumer against the shipped declarations', async () => {
    await copyFile(fixture('consumer-types.mts'), join(consumer, 'consumer.mts'));
    await writeFile(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'es2022',
          module: 'nodenext',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: [],
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
