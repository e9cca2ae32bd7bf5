// `npm run build -w @switchyard/migrate` (also `prepack`): the package as npm would ship it.
// The JavaScript is one esbuild bundle of src/index.ts (the bin calls its `main`), with
// @switchyard/feature-map inlined, since that workspace package is private and never published;
// typescript and typebox stay dependencies. The declarations come from tsc (tsconfig.dts.json),
// pruned to the files the entry points reach, so none of them names the private package.
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

rmSync(DIST, { recursive: true, force: true });

await build({
  absWorkingDir: ROOT,
  entryPoints: ['src/index.ts'],
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // The workspace's source condition: @switchyard/feature-map resolves to its TypeScript.
  conditions: ['@switchyard/source'],
  external: Object.keys(manifest.dependencies),
  legalComments: 'none',
  logLevel: 'warning',
});

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.dts.json')], { stdio: 'inherit' });
// rootDir is the repository (the program holds @switchyard/feature-map's source too): keep this
// package's part of the tree.
const TYPES = join(DIST, '.types');
cpSync(join(TYPES, relative(join(ROOT, '../..'), ROOT), 'src'), DIST, { recursive: true });
rmSync(TYPES, { recursive: true });

// Keep the declarations index.d.ts reaches through their relative imports.
const reached = new Set<string>();
const visit = (file: string): void => {
  if (reached.has(file)) return;
  reached.add(file);
  const text = readFileSync(file, 'utf8');
  for (const [, specifier] of text.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)) {
    visit(join(dirname(file), `${specifier}.d.ts`));
  }
};
visit(join(DIST, 'index.d.ts'));
for (const entry of readdirSync(DIST, { recursive: true, withFileTypes: true })) {
  const file = join(entry.parentPath, entry.name);
  if (entry.isFile() && file.endsWith('.d.ts') && !reached.has(file)) rmSync(file);
}
for (const file of reached) {
  if (readFileSync(file, 'utf8').includes('@switchyard/')) {
    throw new Error(`${relative(ROOT, file)} names a workspace package`);
  }
}
