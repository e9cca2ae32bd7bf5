// npm start needs no build step of its own: the page's static files are built here, through
// Vite's JS API, when dist/ is missing or older than anything under src/client or the config.
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT = fileURLToPath(new URL('../../', import.meta.url));
export const DIST = path.join(PROJECT, 'dist');
const SOURCES = [path.join(PROJECT, 'src/client'), path.join(PROJECT, 'vite.config.ts')];

async function newest(file: string): Promise<number> {
  const info = await stat(file);
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(file);
  const times = await Promise.all(entries.map((e) => newest(path.join(file, e))));
  return Math.max(info.mtimeMs, ...times);
}

/** Why dist/ must be built, or undefined when it is up to date. */
export async function staleReason(): Promise<string | undefined> {
  const built = await stat(path.join(DIST, 'index.html')).then(
    (s) => s.mtimeMs,
    () => undefined,
  );
  if (built === undefined) return 'not built yet';
  const sources = Math.max(...(await Promise.all(SOURCES.map(newest))));
  return sources > built ? 'older than its sources' : undefined;
}

/**
 * Builds the page when it must; returns what was done, for npm start's output, or undefined
 * when dist/ was up to date.
 */
export async function ensureBuilt(): Promise<string | undefined> {
  const reason = await staleReason();
  if (!reason) return undefined;
  const began = performance.now();
  const { build } = await import('vite');
  // Into a folder of its own, then renamed into place: two npm starts at once (the tests run
  // several) never serve a half-emptied dist/.
  // (node_modules/.cache: on the same file system, and ignored by git, Prettier and ESLint.)
  const cache = path.join(PROJECT, '../../node_modules/.cache/switchyard-compare-page');
  await mkdir(cache, { recursive: true });
  const out = path.join(cache, `build-${process.pid}`);
  await build({
    configFile: path.join(PROJECT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: out, emptyOutDir: true },
  });
  const old = path.join(cache, `old-${process.pid}`);
  await rename(DIST, old).catch(() => undefined);
  await rename(out, DIST).catch(async (error: unknown) => {
    // Another process put its build in place first: that one is as new as this one.
    await rm(out, { recursive: true, force: true });
    if (!(await stat(DIST).catch(() => undefined))) throw error;
  });
  await rm(old, { recursive: true, force: true });
  return `built the page with Vite (${reason}) in ${Math.round(performance.now() - began)} ms`;
}
