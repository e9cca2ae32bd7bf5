// docs/recipes/bridge.md#path-bypass: a path-scoped guard (`app.use('/admin', guard)`) in
// front of Fastify routes and @fastify/static files, mounted through @fastify/express and
// through @fastify/middie. Every spelling of a guarded path that the 2026 advisories used is
// sent as written; whatever reaches a route or a file must have gone through the guard. With a
// version the advisories name (express < 4.0.5, middie < 9.3.2, static < 10.1.3), this fails.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  buildGuardedApp,
  NORMALIZING,
  type Engine,
  type GuardedAppOptions,
} from '../src/bridge/path-guards.js';
import { rawGet } from '../src/bridge/raw-get.js';

/** Each spelling, and the advisory that used it. */
const VARIANTS: readonly (readonly [path: string, advisory: string])[] = [
  ['/admin', 'the plain path'],
  ['/%61dmin', 'CVE-2026-22031, CVE-2026-22037: percent-encoded letter'],
  ['/%61dmin/reports', 'CVE-2026-22031, CVE-2026-22037'],
  ['/%2561dmin', 'double-encoded: the router decodes once, to a path it does not serve'],
  ['/ADMIN', 'case: Express matches use() paths case-insensitively'],
  ['/Admin/reports', 'case'],
  ['//admin', 'CVE-2026-2880, CVE-2026-33808: duplicate slashes'],
  ['///admin/reports', 'CVE-2026-2880, CVE-2026-33808'],
  ['/admin;x', 'CVE-2026-2880, CVE-2026-33808: semicolon delimiter'],
  ['/admin;jsessionid=1', 'CVE-2026-2880, CVE-2026-33808'],
  ['/admin/', 'CVE-2026-2880: trailing slash'],
  ['/admin/reports/', 'CVE-2026-2880'],
  ['/admin//reports', 'duplicate slashes inside the path'],
  ['/admin/./reports', 'dot segment'],
  ['/admin/audit', 'CVE-2026-33807: route of a child plugin with the prefix /admin'],
  ['//admin/audit', 'CVE-2026-33807 and duplicate slashes'],
  ['/files/admin/secret.txt', 'the guarded file'],
  ['/files/admin%2Fsecret.txt', 'CVE-2026-6414: encoded separator'],
  ['/files/admin%2fsecret.txt', 'CVE-2026-6414'],
  ['/files/x/../admin/secret.txt', 'CVE-2026-15074: dot-dot segment'],
  ['/files/x/%2e%2e/admin/secret.txt', 'CVE-2026-15074: encoded dot-dot'],
  ['/files/./admin/secret.txt', 'GHSA-423g-23ch-w7c6: dot segment'],
  ['/files//admin/secret.txt', 'GHSA-423g-23ch-w7c6: duplicate slash'],
  ['/files/%61dmin/secret.txt', 'percent-encoded letter before a file'],
  ['/FILES/ADMIN/secret.txt', 'case'],
];

const CONFIGS: readonly (readonly [name: string, options: Omit<GuardedAppOptions, 'engine'>])[] = [
  ["Fastify's default router options", {}],
  [
    'ignoreDuplicateSlashes, useSemicolonDelimiter, ignoreTrailingSlash, caseSensitive: false',
    {
      routerOptions: NORMALIZING,
    },
  ],
  [
    'the deprecated top-level ignoreDuplicateSlashes (CVE-2026-33804)',
    {
      topLevel: { ignoreDuplicateSlashes: true },
    },
  ],
];

const ENGINES: readonly Engine[] = ['express', 'middie'];

describe.each(ENGINES)('a path-scoped guard mounted through %s', (engine) => {
  describe.each(CONFIGS)('with %s', (_name, config) => {
    let app: FastifyInstance;
    let url: string;
    beforeAll(async () => {
      app = await buildGuardedApp({ engine, ...config });
      url = await app.listen({ port: 0, host: '127.0.0.1' });
    });
    afterAll(async () => {
      await app?.close();
    });

    it('serves the guarded route and file with the token, through the guard', async () => {
      const route = await rawGet(url, '/admin', { authorization: ADMIN_TOKEN });
      expect(route.status).toBe(200);
      expect(route.headers['x-guarded']).toBe('yes');
      const file = await rawGet(url, '/files/admin/secret.txt', { authorization: ADMIN_TOKEN });
      expect(file.status).toBe(200);
      expect(file.body).toContain('the guarded report');
      expect(file.headers['x-guarded']).toBe('yes');
      expect((await rawGet(url, '/files/index.txt')).status).toBe(200);
    });

    it.each(VARIANTS)('refuses %s without the token, or does not serve it (%s)', async (path) => {
      const res = await rawGet(url, path);
      expect(res.status, `${path} was served: ${res.body}`).not.toBe(200);
      expect(res.body).not.toContain('the guarded report');
      expect([401, 403, 404]).toContain(res.status);
      if (res.status === 401) expect(res.headers['x-guarded']).toBe('yes');
    });

    it.each(VARIANTS)('runs the guard for %s whenever it reaches a handler', async (path) => {
      const res = await rawGet(url, path, { authorization: ADMIN_TOKEN });
      if (res.status === 200) expect(res.headers['x-guarded'], path).toBe('yes');
    });
  });
});

describe.each(ENGINES)('a guard written by hand on the raw URL, through %s (sprung)', (engine) => {
  let app: FastifyInstance;
  let url: string;
  beforeAll(async () => {
    app = await buildGuardedApp({ engine, routerOptions: NORMALIZING, sprung: true });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('still refuses the plain path', async () => {
    expect((await rawGet(url, '/admin')).status).toBe(401);
  });

  it.each(['/%61dmin', '//admin', '/ADMIN', '/files/%61dmin/secret.txt'])(
    'lets %s through to the handler without the guard: the bypass the advisories describe',
    async (path) => {
      const res = await rawGet(url, path);
      expect(res.status).toBe(200);
      expect(res.headers['x-guarded']).toBeUndefined();
    },
  );
});
