// The production build of an app: its main bundled by esbuild into one ES module, with the
// workspace libraries inside it and every npm package left outside, listed at the version the
// workspace resolves in a package.json next to it, for `npm install --omit=dev`. Plain on
// purpose: the Dockerfile runs it. `--lambda` is the Lambda build (issue 18, buildLambda): the
// app's lambda.ts with every npm package inside the one file, docs/lambda.md.
//
//   node --import tsx tools/deploy/src/build-app.ts <app> [--outdir dir] [--lambda]
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire, isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions, type Plugin } from 'esbuild';

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

/** `<outdir>/assets/<its path in the workspace>`, the place a copied file or folder takes. */
const assetPath = (target: string) =>
  path.posix.join('assets', path.relative(WORKSPACE, target).split(path.sep).join('/'));

/** Copies `target` (a file or a folder) to its asset path once; returns that path. */
function copier(outdir: string, assets: Set<string>) {
  const copies: Array<Promise<void>> = [];
  return {
    copy(target: string, filter?: (source: string) => boolean): string {
      const inBundle = assetPath(target);
      if (!assets.has(inBundle)) {
        assets.add(inBundle);
        copies.push(
          cp(target, path.join(outdir, inBundle), {
            recursive: true,
            ...(filter ? { filter } : {}),
          }),
        );
      }
      return inBundle;
    },
    done: () => Promise.all(copies),
  };
}

/**
 * What a source file finds relative to itself. `createRequire(import.meta.url).resolve('x')`
 * (express-api's Swagger UI files from swagger-ui-dist) needs package x installed though no
 * import names it: the server build records it like an import; the Lambda build (`inline`)
 * copies the package's files and points the call at the copy, but leaves alone the packages
 * it leaves out (they are resolved only on a path Lambda never takes).
 * `new URL('../../../migrations', import.meta.url)` means "relative to this source file", which
 * a bundle is not: persistence finds its SQL migrations that way. Each such file or folder is
 * copied to `<outdir>/assets/<its path in the workspace>` and the URL rewritten to point there.
 */
function fileRelativeUrls(
  files: ReturnType<typeof copier>,
  found: Found,
  inline?: { leftOut: ReadonlySet<string> },
): Plugin {
  return {
    name: 'switchyard:file-relative-urls',
    setup(b) {
      b.onLoad({ filter: /\.[cm]?ts$/ }, async (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        let contents = source;
        if (inline) {
          contents = contents.replace(
            REQUIRE_RESOLVE,
            (match, _quote: string, specifier: string) => {
              const name = packageName(specifier);
              if (inline.leftOut.has(name)) return match;
              const file = createRequire(args.path).resolve(specifier);
              const pkg = installedPackage(name, args.path);
              if (!pkg) return match;
              files.copy(pkg, withoutSourceMaps);
              return `(import.meta.dirname + ${JSON.stringify(`/${assetPath(file)}`)})`;
            },
          );
        } else {
          for (const [, , specifier] of source.matchAll(REQUIRE_RESOLVE)) {
            const problem = specifier && record(found, packageName(specifier), args.path);
            if (problem) return { errors: [{ text: problem }] };
          }
        }
        contents = contents.replace(ASSET_URL, (match, quote: string, relative: string) => {
          const target = path.resolve(path.dirname(args.path), relative);
          if (!existsSync(target)) return match;
          return `new URL(${quote}./${files.copy(target)}${quote}, import.meta.url)`;
        });
        return { contents, loader: 'ts' };
      });
    },
  };
}

const withoutSourceMaps = (source: string) => !source.endsWith('.map');

/**
 * npm packages the Lambda bundle leaves out, with why nothing on Lambda loads them: each is
 * reached only through a dynamic `import()` or a `require()` inside a function, which stays one
 * in the bundle and is never called there.
 */
export const LEFT_OUT_OF_LAMBDA: Readonly<Record<string, string>> = {
  '@electric-sql/pglite':
    'the embedded database: DATABASE_URL is required on Lambda, and libs/persistence imports PGlite only when it opens one',
  'pg-native': "pg's optional native binding, required only when `pg.native` is read",
};

/**
 * npm packages that read their own files at run time, relative to their folder (`__dirname`):
 * the Lambda build copies what they read to `assets/` as it copies the migrations.
 */
export const READ_AT_RUN_TIME: Readonly<Record<string, { files: readonly string[]; why: string }>> =
  {
    '@fastify/swagger-ui': {
      files: ['static'],
      why: 'serves Swagger UI from static/ and reads static/logo.svg (fastify-api /docs)',
    },
    '@fastify/swagger': { files: ['package.json'], why: 'reads its version from package.json' },
  };

const NPM_FILE = new RegExp(`\\${path.sep}node_modules\\${path.sep}.*\\.[cm]?js$`);

/**
 * In the one-file bundle a CommonJS file of an npm package still says `__dirname` for its own
 * folder, which an ES module does not define: each file that names `__dirname` or
 * `__filename` gets both, pointing at where its package's files are under `assets/`, and the
 * files READ_AT_RUN_TIME lists are copied there. The other packages' paths then name files
 * that are not there, which is right for what they do with them: pino and thread-stream start
 * a worker from them only for a transport (the apps configure none), ioredis and undici compare
 * them with stack frames.
 */
function ownFolders(files: ReturnType<typeof copier>): Plugin {
  return {
    name: 'switchyard:own-folders',
    setup(b) {
      b.onLoad({ filter: NPM_FILE }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        const pkg = ownPackage(args.path);
        const runtime = pkg && READ_AT_RUN_TIME[pkg.name];
        for (const file of runtime?.files ?? []) files.copy(path.join(pkg!.dir, file));
        if (!/\b__(dirname|filename)\b/.test(source)) return undefined;
        const dir = JSON.stringify(`/${assetPath(path.dirname(args.path))}`);
        const name = JSON.stringify(`/${path.basename(args.path)}`);
        // Not import.meta here: esbuild would take the file for an ES module and drop its exports.
        const own = `var __dirname = ${BUNDLE_DIR} + ${dir}, __filename = __dirname + ${name};\n`;
        return { contents: own + source, loader: 'js' };
      });
    },
  };
}

/** The bundle's folder, set by the banner (buildLambda). */
const BUNDLE_DIR = '__swyBundleDir';

/** The package a file of node_modules belongs to: its name and folder. */
function ownPackage(file: string): { name: string; dir: string } | undefined {
  const marker = `${path.sep}node_modules${path.sep}`;
  const at = file.lastIndexOf(marker);
  if (at === -1) return undefined;
  const name = packageName(
    file
      .slice(at + marker.length)
      .split(path.sep)
      .join('/'),
  );
  return { name, dir: path.join(file.slice(0, at + marker.length), name) };
}

/** What both builds share. */
const COMMON = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  // The oldest Node the repository supports: the standard decorators are lowered for it.
  target: 'node20.19',
  // The libraries' sources, as the tests and tsx read them (their dist/ need not exist).
  conditions: ['@switchyard/source'],
  sourcemap: 'linked',
  logLevel: 'warning',
} as const satisfies BuildOptions;

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
  const files = copier(outdir, assets);
  const entry = path.join(outdir, 'main.js');
  const source = (file: string) => path.join(WORKSPACE, 'apps', app, 'src', file);
  await build({
    ...COMMON,
    // The bridge's shadow runs in a worker thread, which loads worker.js from beside main.js
    // (apps/bridge-api/src/shadow/thread.ts): a second entry, bundled on its own.
    entryPoints: {
      main: source('main.ts'),
      ...(app === 'bridge-api' ? { worker: source('shadow/worker.ts') } : {}),
    },
    outdir,
    plugins: [externalPackages(found), fileRelativeUrls(files, found)],
  });
  await files.done();
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

/** The apps with a Lambda entry, `apps/<app>/src/lambda.ts`. */
export const LAMBDA_APPS = ['express-api', 'fastify-api'] as const;
export type LambdaAppName = (typeof LAMBDA_APPS)[number];

/** Where `nx run @switchyard/<app>:lambda-bundle` writes (what deploy/lambda/template.yaml names). */
export const lambdaBundleDir = (app: LambdaAppName) => path.join(WORKSPACE, 'dist', 'lambda', app);

/**
 * The bundle's file name: a function's handler is `lambda.handler`. `.mjs`, so that Lambda's
 * Node runtimes load it as an ES module with no package.json beside it.
 */
export const LAMBDA_FILE = 'lambda.mjs';

export interface LambdaBuildResult {
  readonly outdir: string;
  /** The bundle, `<outdir>/lambda.mjs`. */
  readonly entry: string;
  /** Its size in bytes, raw and gzip-compressed (level 9, about what the deployment zip does). */
  readonly bytes: number;
  readonly gzipBytes: number;
  /** The npm packages inside it. */
  readonly packages: readonly string[];
  /** The five that take the most of it, with their bytes in the bundle (esbuild's metafile). */
  readonly largest: ReadonlyArray<{ readonly name: string; readonly bytes: number }>;
  /** The packages of LEFT_OUT_OF_LAMBDA it refers to (lazily: see there). */
  readonly leftOut: readonly string[];
  /** Files and folders copied next to it, relative to the outdir. */
  readonly assets: readonly string[];
}

/**
 * The Lambda build: `apps/<app>/src/lambda.ts` as one ES module with the workspace libraries
 * and every npm package inside, but LEFT_OUT_OF_LAMBDA, plus what it reads from disk under
 * `assets/` (the migrations, Swagger UI's files). ESM because the sources are ES modules that
 * find their files from `import.meta.url`, which a CommonJS bundle would not have; the banner
 * gives the bundled CommonJS packages the `require` they call for Node's own modules. Minified
 * (names kept: Fastify and its plugins read functions' names) to cut what a cold start reads.
 */
export async function buildLambda(
  app: LambdaAppName,
  options: { outdir?: string } = {},
): Promise<LambdaBuildResult> {
  if (!LAMBDA_APPS.includes(app))
    throw new Error(`no Lambda entry for ${app}: one of ${LAMBDA_APPS.join(', ')}`);
  return buildLambdaEntry({
    entry: path.join(WORKSPACE, 'apps', app, 'src', 'lambda.ts'),
    outdir: options.outdir ?? lambdaBundleDir(app),
  });
}

/** buildLambda for any entry module that exports a `handler` (the bench's fixtures). */
export async function buildLambdaEntry(options: {
  entry: string;
  outdir: string;
}): Promise<LambdaBuildResult> {
  const outdir = path.resolve(options.outdir);
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const assets = new Set<string>();
  const files = copier(outdir, assets);
  const leftOut = new Set(Object.keys(LEFT_OUT_OF_LAMBDA));
  const referred = new Set<string>();
  const entry = path.join(outdir, LAMBDA_FILE);
  const result = await build({
    ...COMMON,
    entryPoints: [path.resolve(options.entry)],
    outfile: entry,
    minify: true,
    keepNames: true,
    // No map in what is deployed: it would be three times the bundle's size, and
    // --enable-source-maps slows a cold start; stack traces keep the functions' names.
    sourcemap: false,
    metafile: true,
    banner: {
      js: `import { createRequire as __swyCreateRequire } from 'node:module'; const require = __swyCreateRequire(import.meta.url), ${BUNDLE_DIR} = import.meta.dirname;`,
    },
    plugins: [
      {
        name: 'switchyard:left-out',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) => {
            if (isBuiltin(args.path)) return { path: args.path, external: true };
            const name = packageName(args.path);
            if (!leftOut.has(name)) return undefined;
            referred.add(name);
            return { path: args.path, external: true };
          });
        },
      },
      fileRelativeUrls(files, new Map(), { leftOut }),
      ownFolders(files),
    ],
  });
  await files.done();
  const packages = new Map<string, number>();
  const output = Object.values(result.metafile.outputs)[0]!;
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const pkg = ownPackage(path.resolve(WORKSPACE, input));
    if (pkg) packages.set(pkg.name, (packages.get(pkg.name) ?? 0) + bytesInOutput);
  }
  const code = await readFile(entry);
  return {
    outdir,
    entry,
    bytes: (await stat(entry)).size,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    packages: [...packages.keys()].sort(),
    largest: [...packages]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([name, bytes]) => ({ name, bytes })),
    leftOut: [...referred].sort(),
    assets: [...assets].sort(),
  };
}

const USAGE = `usage: build-app.ts <${APPS.join('|')}> [--outdir dir] [--lambda]\n`;

async function main(argv: string[]): Promise<void> {
  const [app, ...flags] = argv;
  const lambda = flags.includes('--lambda');
  const at = flags.indexOf('--outdir');
  const outdir = at === -1 ? undefined : flags[at + 1];
  const known = flags.every((f, i) => f === '--lambda' || f === '--outdir' || i === at + 1);
  if (!app || !APPS.includes(app as AppName) || !known || (at !== -1 && !outdir)) {
    process.stderr.write(USAGE);
    process.exit(2);
  }
  const where = outdir ? { outdir } : {};
  if (lambda) {
    const r = await buildLambda(app as LambdaAppName, where);
    process.stdout.write(
      `${path.relative(process.cwd(), r.entry)}: ${r.bytes} bytes (${r.gzipBytes} gzip), ${r.packages.length} npm packages inside (largest: ${r.largest.map((p) => `${p.name} ${p.bytes}`).join(', ')}), left out: ${r.leftOut.join(', ') || 'none'}, assets: ${r.assets.join(', ') || 'none'}\n`,
    );
    return;
  }
  const result = await buildApp(app as AppName, where);
  process.stdout.write(
    `${path.relative(process.cwd(), result.entry)}: ${Object.keys(result.dependencies).length} npm packages outside the bundle, assets: ${result.assets.join(', ') || 'none'}\n`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main(process.argv.slice(2));
}
