import { FEATURES, featureById } from '@switchyard/feature-map';
import { describe, expect, it } from 'vitest';
import { API_OBJECTS, USE_ROWS, knowledge, scan } from '../src/index.js';
import { tempApp } from './helpers.js';

describe("the scanner's knowledge is the feature map's rows", () => {
  it('looks for exactly the packages and APIs the map lists', () => {
    const { byPackage, byApi } = knowledge();
    expect([...byPackage.keys()].sort()).toEqual(
      [...new Set(FEATURES.flatMap((f) => f.packages))].sort(),
    );
    expect([...byApi.keys()].sort()).toEqual([...new Set(FEATURES.flatMap((f) => f.apis))].sort());
  });

  it('recognises the object of every API the map lists, so no row is silently never matched', () => {
    for (const api of FEATURES.flatMap((f) => f.apis)) {
      expect(Object.keys(API_OBJECTS), api).toContain(api.split('.')[0]);
    }
  });

  it('names only rows the map has when it tells app.use calls apart', () => {
    for (const id of Object.values(USE_ROWS)) expect(() => featureById(id)).not.toThrow();
  });

  it("reports a package's row as the map has it, and a package the map lacks as unknown", () => {
    const dir = tempApp({
      'app.js': `import express from 'express';\nimport cors from 'cors';\nimport useragent from 'express-useragent';\nconst app = express();\napp.use(cors());\napp.use(useragent.express());\napp.get('/', (req, res) => res.send('ok'));\n`,
    });
    const report = scan(dir);
    const row = report.replace.find((r) => r.feature === 'cors')!;
    const cors = featureById('cors');
    expect(row).toMatchObject({
      express: cors.express,
      fastify: cors.fastify,
      gotcha: cors.gotcha,
      recipe: `docs/recipes/${cors.recipe}`,
    });
    expect(
      report.replace.some((r) => r.evidence.some((e) => e.what.includes('express-useragent'))),
    ).toBe(false);
    expect(report.unknownMiddleware).toEqual([
      { package: 'express-useragent', name: 'useragent.express()', file: 'app.js', line: 6 },
    ]);
  });

  it('matches an API by what the object is, not by its name', () => {
    // `cache.param` on a Map is not app.param; `app.param` on the app is.
    const dir = tempApp({
      'app.js': `import express from 'express';\nconst cache = new Map();\ncache.param = 1;\nconst app = express();\napp.param('id', (req, res, next) => next());\n`,
    });
    expect(scan(dir).replace.find((r) => r.feature === 'app-param')?.evidence).toEqual([
      { what: '`app.param`', file: 'app.js', line: 5 },
    ]);
  });
});
