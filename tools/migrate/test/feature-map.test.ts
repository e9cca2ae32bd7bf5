import { FEATURES, featureById } from '@switchyard/feature-map';
import { describe, expect, it } from 'vitest';
import { scan } from '../src/index.js';
import { API_OBJECTS, USE_ROWS, knowledge } from '../src/lib/replace.js';
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

  it("writes each API as object.member or object.member('setting')", () => {
    for (const api of FEATURES.flatMap((f) => f.apis)) {
      expect(api).toMatch(/^\w+\.\w+(?:\('[^']+'\))?$/);
    }
  });

  it("matches a setting by its name: app.set('trust proxy'), not app.set('etag')", () => {
    const dir = tempApp({
      'app.js': `const express = require('express');
const SETTING = 'view engine';
const app = express();
app.set('trust proxy', 'loopback');
app.enable('trust proxy');
app.set('etag', false);
app.set(SETTING, 'ejs');
app.set(process.env.NAME, 1);
app.get('/', (req, res) => res.send('ok'));
`,
    });
    const report = scan(dir);
    const rows = (id: string) => report.replace.find((r) => r.feature === id)?.evidence;
    expect(rows('trust-proxy')).toEqual([
      { what: "`app.set('trust proxy')`", file: 'app.js', line: 4 },
      { what: "`app.enable('trust proxy')`", file: 'app.js', line: 5 },
    ]);
    expect(rows('views')).toEqual([{ what: "`app.set('view engine')`", file: 'app.js', line: 7 }]);
    expect(report.replace.map((r) => r.feature).sort()).toEqual([
      'replies',
      'return-or-send',
      'trust-proxy',
      'views',
    ]);
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

describe('the rows for an Express major, from the dependency', () => {
  const app = `const express = require('express');\nconst app = express();\napp.get('/', (req, res) => res.send('ok'));\n`;
  const express4Rows = FEATURES.filter((f) => f.expressMajors?.includes(4)).map((f) => f.id);
  const rowsOf = (dir: string) => scan(dir).replace.map((r) => r.feature);

  it('the map has rows for Express 4 apps', () => {
    expect(express4Rows.length).toBeGreaterThanOrEqual(4);
  });

  it('adds every Express 4 row when package.json depends on express 4, naming its line', () => {
    const dir = tempApp({
      'package.json': `{\n  "name": "x",\n  "dependencies": {\n    "express": "^4.21.2"\n  }\n}\n`,
      'app.js': app,
    });
    const report = scan(dir);
    expect(report.replace.map((r) => r.feature)).toEqual(expect.arrayContaining(express4Rows));
    expect(report.replace.find((r) => r.feature === express4Rows[0])?.evidence).toEqual([
      { what: 'depends on express ^4.21.2', file: 'package.json', line: 4 },
    ]);
  });

  it('reads an npm alias and devDependencies too', () => {
    const dir = tempApp({
      'package.json': JSON.stringify({ devDependencies: { express: 'npm:express@~4.18.0' } }),
      'app.js': app,
    });
    expect(rowsOf(dir)).toEqual(expect.arrayContaining(express4Rows));
  });

  it('adds none for Express 5, without a package.json, or for a range it cannot read', () => {
    for (const manifest of [
      JSON.stringify({ dependencies: { express: '^5.1.0' } }),
      JSON.stringify({ dependencies: { express: 'latest' } }),
      'not json',
      undefined,
    ]) {
      const dir = tempApp({ 'app.js': app, ...(manifest ? { 'package.json': manifest } : {}) });
      expect(rowsOf(dir).filter((id) => express4Rows.includes(id))).toEqual([]);
    }
  });
});
