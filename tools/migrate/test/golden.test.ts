import { readFileSync } from 'node:fs';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { GOLDEN, SCHEMA_FILE, fixtureNames, render } from '../scripts/golden.js';
import { ReportSchema, SCHEMA_VERSION, scan } from '../src/index.js';
import { FIXTURE } from './helpers.js';

const validator = Compile(ReportSchema);

describe('golden outputs of the fixture apps', () => {
  it('has the three fixtures', () => {
    expect(fixtureNames()).toEqual(['express4-cjs', 'express5-esm', 'unfollowable']);
  });

  for (const name of fixtureNames()) {
    describe(name, () => {
      const now = render(name);

      it('writes the golden JSON, byte for byte (npm run golden -w @switchyard/migrate rewrites it)', () => {
        expect(now.json).toBe(readFileSync(`${GOLDEN}${name}.json.golden`, 'utf8'));
      });

      it('writes the golden Markdown ticket, byte for byte', () => {
        expect(now.md).toBe(readFileSync(`${GOLDEN}${name}.md.golden`, 'utf8'));
      });

      it(`validates against the report schema, version ${SCHEMA_VERSION}`, () => {
        const report = JSON.parse(now.json) as unknown;
        expect([...validator.Errors(report)]).toEqual([]);
        expect(validator.Check(report)).toBe(true);
      });
    });
  }

  it('ships the same schema as a JSON Schema file (npm run golden rewrites it)', () => {
    const { $schema, ...file } = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<
      string,
      unknown
    >;
    expect($schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(file).toEqual(JSON.parse(JSON.stringify(ReportSchema)));
  });

  it('the schema refuses a report of another version or with a field it does not define', () => {
    const report = scan(FIXTURE('express5-esm'));
    expect(validator.Check({ ...report, schemaVersion: 2 })).toBe(false);
    expect(validator.Check({ ...report, extra: true })).toBe(false);
    expect(validator.Check({ ...report, routes: [{ ...report.routes[0], line: 0 }] })).toBe(false);
  });
});

describe('the Express 4 CommonJS fixture', () => {
  const report = scan(FIXTURE('express4-cjs'));

  it('follows require() across files to routers, a sub-app and a function handed the app, with their prefixes', () => {
    expect(report.routes.map((r) => `${r.method} ${r.fullPaths.join()}`)).toEqual([
      'GET /admin/stats',
      'GET /admin/disk',
      'POST /login',
      'GET /me',
      'GET /health',
      'POST /uploads',
      'POST /uploads/batch',
      'GET /users',
      'GET /users/:id',
      'PUT /users/:id',
      'GET /users/:id/avatar',
      'DELETE /users/:id/avatar',
    ]);
    expect(report.objects.find((o) => o.name === 'admin')).toMatchObject({
      kind: 'app',
      mountedOn: [{ parent: 'app.js:16', prefix: '/admin' }],
    });
  });

  it('maps passport, express-session, multer and cors to their rows, and the user-agent package to unknown', () => {
    const rows = report.replace.map((r) => r.feature);
    for (const id of [
      'passport',
      'express-session',
      'multipart',
      'cors',
      'json-body',
      'req-user',
      'trust-proxy',
    ]) {
      expect(rows).toContain(id);
    }
    expect(report.unknownMiddleware.map((u) => u.package)).toEqual(['express-useragent']);
  });

  it('finds the error handler by its four parameters and the 404 as the last middleware', () => {
    expect(report.errorHandlers.map((e) => `${e.name} ${e.line}`)).toEqual(['onError 40']);
    expect(report.notFound.map((e) => `${e.name} ${e.line}`)).toEqual(['inline function 43']);
  });

  it('puts the session, passport and the res.locals it fills before every group', () => {
    expect(report.plan.shared.join('\n')).toMatch(/session\(\) \(express-session/);
    expect(report.plan.shared.join('\n')).toMatch(/passport\.session\(\) \(passport/);
    expect(report.plan.shared).toContain(
      'res.locals.user filled by app-level loadUser (app.js:25)',
    );
    expect(report.plan.steps.map((s) => s.kind)).toEqual([
      'read-only',
      'read-only',
      'read-only',
      'writes',
      'writes',
      'writes',
    ]);
  });
});

describe('the Express 5 TypeScript fixture', () => {
  const report = scan(FIXTURE('express5-esm'));

  it('joins prefixes over three files: app, api router, resource routers', () => {
    expect(report.routes.flatMap((r) => r.fullPaths)).toEqual([
      '/orders/:orderId',
      '/api/v1/items',
      '/api/v1/items/:id',
      '/api/v1/items',
      '/api/v1/items/:id',
      '/api/v1/reports/export',
      '/api/v1/reports/archive',
      '/api/v1/reports/sign',
    ]);
  });

  it('lists app.param, the error handler, the 404 and the ws upgrade, and moves the upgrade last', () => {
    expect(report.params.map((p) => `${p.param} ${p.handler}`)).toEqual(['orderId loadOrder']);
    expect(report.errorHandlers.map((e) => e.name)).toEqual(['errorHandler']);
    expect(report.notFound.map((e) => e.name)).toEqual(['notFound']);
    expect(report.upgrades.map((u) => `${u.kind} ${u.file}:${u.line}`)).toEqual([
      'ws-server src/server.ts:6',
      'upgrade-listener src/server.ts:8',
    ]);
    expect(report.plan.steps.at(-1)).toMatchObject({
      kind: 'upgrades',
      group: "'upgrade' listener (src/server.ts:8)",
    });
    expect(report.plan.steps[0]!.blockers).toEqual([
      "app.param('orderId') loadOrder (src/app.ts:14) runs first: a preHandler hook in the group's plugin",
    ]);
  });
});
