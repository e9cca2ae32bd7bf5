// The production build of an app: its main bundled by esbuild into one ES module, with the
// workspace libraries inside it and every npm package left outside, listed at the version the
// workspace resolves in a package.json next to it, for `npm install --omit=dev`. Plain on
// purpose: the Dockerfile runs it, and the Lambda build (issue 18) is meant to reuse it.
//
//   node --import tsx tools/deploy/src/build-app.ts <app> [--outdir dir]
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

export const WORKSPACE = fileURLToPath(new URL('../../../', import.meta.url));

export const APPS = ['express-api', 'fastify-api', 'bridge-api'] as const;
export type AppName = (typeof APPS)[number];

/**
 * Where `nx run @switchyard/<app>:bundle` writes: the workspace's dist/, not the app's own
 * dist/, which the tsc `build` owns, and outside apps/, which the migration scanner reads.
 */
export const bundleDir = (app: AppName) => path.join(WORKSPACE, 'dist', 'apps', app);

export interface BuildResult {
  readonly outdir: string;
  /** The bundle, `<outdir>/main.js`. */
  readonly entry: string;
  /** The npm packages the bundle imports, each at the version the workspace resolves. */
  readonly dependencies: Readonly<Record<string, string>>;
  /** Where each of them was found in the workspace (what a test links instead of installing). */
  readonly resolved: Readonly<Record<string, string>>;
  /** Files and folders copied next to the bundle, relative to the outdir. */
  readonly assets: readonly string[];
}

/** `pg-protocol/dist/parser.js` → `pg-protocol`; `@fastify/swagger/x` → `@fastify/swagger`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/** The folder Node's resolution reaches for `name` from `importer`: the nearest node_modules. */
function installedPackage(name: string, importer: string): string | undefined {
  for (let dir = path.dirname(importer); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

type Found = Map<string, { version: string; dir: string }>;

/**
 * Records `name` at the version `importer` sees; a problem when it is not installed or when
 * another file of the bundle saw another version (they cannot share one node_modules: the
 * build fails rather than pick one).
 */
function record(found: Found, name: string, importer: string): string | undefined {
  const dir = installedPackage(name, importer);
  if (!dir) return `${name} is not installed (needed by ${importer})`;
  const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const seen = found.get(name);
  if (seen && seen.version !== version) {
    return `${name}: the bundle's files need two versions (${seen.version} from ${seen.dir}, ${version} from ${dir})`;
  }
  found.set(name, { version, dir });
  return undefined;
}

/**
 * Workspace packages (`@switchyard/*`) are bundled from their sources; every other bare import
 * stays an import, and its package is recorded.
 */
function externalPackages(found: Found): Plugin {
  return {
    name: 'switchyard:external-packages',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (isBuiltin(args.path)) return { path: args.path, external: true };
        const name = packageName(args.path);
        if (name.startsWith('@switchyard/')) return undefined;
        const problem = record(found, name, args.importer);
        if (problem) return { errors: [{ text: problem }] };
        return { path: args.path, external: true };
      });
    },
  };
}

const ASSET_URL = /new URL\((['"])(\.\.?\/[^'"]+)\1,\s*import\.meta\.url\)/g;
const REQUIRE_RESOLVE = /createRequire\(import\.meta\.url\)\.resolve\((['"])([^'"]+)\1\)/g;

/**
 * What a source file finds relative to itself. `createRequire(import.meta.url).resolve('x')`
 * (express-api's Swagger UI files from swagger-ui-dist) needs package x installed though no
 * import names it: it is recorded like an import.
 * `new URL('../../../migrations', import.meta.url)` means "relative to this source file", which
 * a bundle is not: persistence finds its SQL migrations that way. Each such file or folder is
 * copied to `<outdir>/assets/<its path in the workspace>` and the URL rewritten to point there.
 */
function fileRelativeUrls(outdir: string, assets: Set<string>, found: Found): Plugin {
  return {
    name: 'switchyard:file-relative-urls',
    setup(b) {
      b.onLoad({ filter: /\.[cm]?ts$/ }, async (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        for (const [, , specifier] of source.matchAll(REQUIRE_RESOLVE)) {
          const problem = specifier && record(found, packageName(specifier), args.path);
          if (problem) return { errors: [{ text: problem }] };
        }
        const copies: Array<Promise<void>> = [];
        const contents = source.replace(ASSET_URL, (match, quote: string, relative: string) => {
          const target = path.resolve(path.dirname(args.path), relative);
          if (!existsSync(target)) return match;
          const inBundle = path.posix.join(
            'assets',
            path.relative(WORKSPACE, target).split(path.sep).join('/'),
          );
          if (!assets.has(inBundle)) {
            assets.add(inBundle);
            copies.push(cp(target, path.join(outdir, inBundle), { recursive: true }));
          }
          return `new URL(${quote}./${inBundle}${quote}, import.meta.url)`;
        });
        await Promise.all(copies);
        return { contents, loader: 'ts' };
      });
    },
  };
}

export async function buildApp(
  app: AppName,
  options: { outdir?: string } = {},
): Promise<BuildResult> {
  if (!APPS.includes(app)) throw new Error(`unknown app ${app}: one of ${APPS.join(', ')}`);
  const outdir = path.resolve(options.outdir ?? bundleDir(app));
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const found: Found = new Map();
  const assets = new Set<string>();
  const entry = path.join(outdir, 'main.js');
  await build({
    entryPoints: [path.join(WORKSPACE, 'apps', app, 'src', 'main.ts')],
    outfile: entry,
    bundle: true,
    platform: 'node',
    format: 'esm',
    // The oldest Node the repository supports: the standard decorators are lowered for it.
    target: 'node20.19',
    // The libraries' sources, as the tests and tsx read them (their dist/ need not exist).
    conditions: ['@switchyard/source'],
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [externalPackages(found), fileRelativeUrls(outdir, assets, found)],
  });
  const names = [...found.keys()].sort();
  const dependencies = Object.fromEntries(names.map((n) => [n, found.get(n)!.version]));
  const root = JSON.parse(readFileSync(path.join(WORKSPACE, 'package.json'), 'utf8')) as {
    engines: Record<string, string>;
  };
  const manifest = {
    name: `@switchyard/${app}-bundle`,
    version: '0.0.0',
    private: true,
    description: `The production build of apps/${app} (tools/deploy/src/build-app.ts).`,
    type: 'module',
    main: 'main.js',
    engines: root.engines,
    dependencies,
  };
  await writeFile(path.join(outdir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return {
    outdir,
    entry,
    dependencies,
    resolved: Object.fromEntries(names.map((n) => [n, found.get(n)!.dir])),
    assets: [...assets].sort(),
  };
}

async function main(argv: string[]): Promise<void> {
  const [app, flag, value] = argv;
  if (!app || !APPS.includes(app as AppName) || (flag !== undefined && flag !== '--outdir')) {
    process.stderr.write(`usage: build-app.ts <${APPS.join('|')}> [--outdir dir]\n`);
    process.exit(2);
  }
  const result = await buildApp(app as AppName, value ? { outdir: value } : {});
  process.stdout.write(
    `${path.relative(process.cwd(), result.entry)}: ${Object.keys(result.dependencies).length} npm packages outside the bundle, assets: ${result.assets.join(', ') || 'none'}\n`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main(process.argv.slice(2));
}
