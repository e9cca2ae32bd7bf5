// Recipe: a path-scoped Express guard in front of Fastify routes during the bridge, mounted
// with `app.use('/admin', guard)` through @fastify/express or through @fastify/middie, and
// @fastify/static files under the guarded path (docs/recipes/bridge.md#path-bypass). Each
// advisory of 2026 against these plugins had one shape: the guard matched one spelling of the
// path, and Fastify's router served another.
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import expressPlugin from '@fastify/express';
import middie from '@fastify/middie';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';

/** The files served under /files: files/admin/secret.txt is the guarded one. */
export const FILES_DIR = fileURLToPath(new URL('./files/', import.meta.url));

export const ADMIN_TOKEN = 'Bearer admin-recipe-token';

/** Who mounts the guard: Express through @fastify/express, or Fastify's own middie. */
export type Engine = 'express' | 'middie';

/**
 * Fastify's router options that make it serve more than one spelling of a path. Each is off by
 * default; the advisories of CVE-2026-2880 and CVE-2026-33808 were about guards that did not
 * follow them. `caseSensitive: false` is there because Express matches `use()` paths without
 * regard to case, whatever Fastify does.
 */
export const NORMALIZING = {
  ignoreDuplicateSlashes: true,
  ignoreTrailingSlash: true,
  caseSensitive: false,
  // Fastify 5.12 passes it to find-my-way and reads it back, but its types leave it out.
  useSemicolonDelimiter: true,
} as NonNullable<FastifyServerOptions['routerOptions']>;

type Middleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

// #region guide:path-guard
/**
 * The guard, as an Express app has it: it marks every request it sees (`x-guarded`, so a test
 * can tell that it ran for a response) and refuses one without the token.
 */
export const guard: Middleware = (req, res, next) => {
  res.setHeader('x-guarded', 'yes');
  if (req.headers.authorization === ADMIN_TOKEN) return next();
  res.statusCode = 401;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ error: 'unauthorized' }));
};
// #endregion guide:path-guard

/**
 * The same guard written by hand, on the raw URL, as a global middleware: it sees the bytes the
 * client sent, where the router serves their decoded, normalized form. The tests use it to show
 * what a bypass looks like; never guard a path this way.
 */
export const rawUrlGuard: Middleware = (req, res, next) => {
  const raw = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '';
  if (raw.startsWith('/admin') || raw.startsWith('/files/admin')) return guard(req, res, next);
  next();
};

export interface GuardedAppOptions {
  readonly engine: Engine;
  readonly routerOptions?: FastifyServerOptions['routerOptions'];
  /** Fastify's deprecated top-level spelling of the router options (CVE-2026-33804). */
  readonly topLevel?: Pick<FastifyServerOptions, 'ignoreDuplicateSlashes'>;
  /** `rawUrlGuard` to spring the bypass on purpose. */
  readonly sprung?: boolean;
}

/**
 * Fastify routes under /admin, a child plugin with the prefix /admin (CVE-2026-33807), and
 * @fastify/static's files under /files, all behind one path-scoped guard.
 */
export async function buildGuardedApp(options: GuardedAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.topLevel ?? {}),
    ...(options.routerOptions ? { routerOptions: options.routerOptions } : {}),
  });
  await app.register(options.engine === 'express' ? expressPlugin : middie);
  if (options.sprung) {
    app.use(rawUrlGuard);
  } else {
    // #region guide:path-guard-mount
    // Both plugins decorate `use` with Express's signature. They decode and normalize the URL
    // as Fastify's router does, then match the paths with Express's router (@fastify/express)
    // or path-to-regexp (middie).
    app.use(['/admin', '/files/admin'], guard);
    // #endregion guide:path-guard-mount
  }
  app.get('/admin', async () => ({ admin: true }));
  app.get('/admin/reports', async () => ({ reports: [] }));
  await app.register(
    async (child) => {
      child.get('/audit', async () => ({ audit: [] }));
    },
    { prefix: '/admin' },
  );
  await app.register(fastifyStatic, { root: FILES_DIR, prefix: '/files/' });
  return app;
}
