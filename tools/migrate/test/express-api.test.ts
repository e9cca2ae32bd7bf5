import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { apiRoutes } from '@switchyard/api-spec';
import { describe, expect, it } from 'vitest';
import { scan } from '../src/index.js';
import { REPO } from './helpers.js';

const APP = join(REPO, 'apps/express-api');
const RANK = { 'read-only': 0, writes: 1, upgrades: 2 } as const;

interface Marker {
  readonly name: string;
  readonly file: string;
  readonly line: number;
}

/** The 1-based line of apps/express-api/<file> that holds `text` (once), as an editor shows it. */
function lineOf(file: string, text: string): number {
  const lines = readFileSync(join(APP, file), 'utf8').split('\n');
  const found = lines.flatMap((line, i) => (line.includes(text) ? [i + 1] : []));
  if (found.length !== 1) throw new Error(`${file}: ${found.length} lines hold ${text}`);
  return found[0]!;
}

/** `// MIGRATION(<name>) before:` in apps/express-api/src, as `grep -rn "MIGRATION("` finds them. */
function markers(): Marker[] {
  const out: Marker[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ts$/.test(entry.name)) {
        readFileSync(path, 'utf8')
          .split('\n')
          .forEach((text, i) => {
            const match = /MIGRATION\(([\w-]+)\) before:/.exec(text);
            if (match) out.push({ name: match[1]!, file: path.slice(APP.length + 1), line: i + 1 });
          });
      }
    }
  };
  walk(join(APP, 'src'));
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
}

describe('scan apps/express-api', () => {
  const report = scan(APP);

  it('finds exactly the four MIGRATION(...) before: patterns, each with its case-study section', () => {
    const expected = markers();
    expect(expected.map((m) => m.name).sort()).toEqual([
      'buffered-proxy',
      'fan-out',
      'sync-crypto',
      'websocket',
    ]);
    expect(report.blocking).toHaveLength(expected.length);
    for (const marker of expected) {
      // The finding sits below its marker, before the file's next marker.
      const next =
        expected.find((m) => m.file === marker.file && m.line > marker.line)?.line ?? Infinity;
      const found = report.blocking.filter(
        (b) => b.file === marker.file && b.line > marker.line && b.line < next,
      );
      expect(found, `${marker.name} at ${marker.file}:${marker.line}`).toHaveLength(1);
      expect(found[0]!.guide).toBe(`docs/case-study.md#${marker.name}`);
    }
  });

  it('follows the sync hasher into libs/domain to the scryptSync it calls', () => {
    const crypto = report.blocking.find((b) => b.kind === 'sync-crypto')!;
    expect(crypto.sites.map((s) => `${s.call} ${s.file}`)).toEqual([
      'hashPasswordSync src/adapters/sync-password-hasher.ts',
      'scryptSync ../../libs/domain/src/lib/auth/password.ts',
      'verifyPasswordSync src/adapters/sync-password-hasher.ts',
      'scryptSync ../../libs/domain/src/lib/auth/password.ts',
    ]);
  });

  it('lists every route of the route table with its method and full path', () => {
    const listed = report.routes.flatMap((r) => r.fullPaths.map((p) => `${r.method} ${p}`));
    for (const [name, route] of Object.entries(apiRoutes)) {
      // Express 5 names its wildcards: the table's `*` is registered as `*rest` (routes/proxy.ts).
      const path = route.path.replace(/\*$/, '*rest');
      expect(listed, name).toContain(`${route.method} ${path}`);
    }
  });

  it('reads the app-level chain in order, the error handler before the 404, and the upgrade', () => {
    expect(report.middleware.map((m) => `${m.name}${m.package ? ` (${m.package})` : ''}`)).toEqual([
      'requestMetrics()',
      'requestId',
      'pinoHttp() (pino-http)',
      'securityHeaders (helmet)',
      'unreservedPath',
      'notFound',
    ]);
    expect(report.errorHandlers.map((e) => `${e.name} ${e.file}:${e.line}`)).toEqual([
      `errorHandler src/app.ts:${lineOf('src/app.ts', 'app.use(errorHandler)')}`,
    ]);
    expect(report.notFound.map((e) => `${e.name} ${e.file}:${e.line}`)).toEqual([
      `notFound src/app.ts:${lineOf('src/app.ts', 'app.use(notFound)')}`,
    ]);
    expect(report.upgrades.map((u) => u.kind)).toEqual(['ws-server', 'upgrade-listener']);
  });

  it('orders the bridge: read-only groups, then writes, then the stream router with its upgrade', () => {
    const kinds = report.plan.steps.map((s) => s.kind);
    expect(kinds).toEqual([...kinds].sort((a, b) => RANK[a] - RANK[b]));
    expect(kinds.filter((k) => k === 'writes')).toHaveLength(2);
    expect(report.plan.steps.at(-1)).toMatchObject({
      kind: 'upgrades',
      group: '/v1/bots — router router (src/routes/stream.ts:72)',
    });
    // The proxy group carries its buffered proxy as a blocker.
    expect(report.plan.steps.find((s) => s.group.includes('routes/proxy.ts'))!.blockers).toEqual([
      'buffered-proxy at src/routes/proxy.ts:85 (docs/case-study.md#buffered-proxy)',
    ]);
  });

  it('reads every path as a constant, the Swagger UI files registered in a loop over a list too', () => {
    expect(report.routes.filter((r) => !r.exact)).toEqual([]);
    expect(report.notAnalysed).toEqual([]);
    const assets = report.routes.filter((r) => r.file === 'src/routes/docs.ts' && r.line === 75);
    expect(assets.map((r) => r.fullPaths.join())).toContain('/docs/static/swagger-ui-bundle.js');
    expect(assets).toHaveLength(9);
  });
});
