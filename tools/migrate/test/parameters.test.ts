import { describe, expect, it } from 'vitest';
import { scan } from '../src/index.js';
import { tempApp } from './helpers.js';

const routesOf = (dir: string) =>
  scan(dir)
    .routes.map((r) => `${r.method} ${r.fullPaths.join(' ')}`)
    .sort();

describe('an app or router handed to a function', () => {
  it("follows `require('./routes')(app)`: the routes registered on the parameter are the app's", () => {
    const dir = tempApp({
      'app.js': `const express = require('express');\nconst app = express();\nrequire('./routes')(app);\nmodule.exports = app;\n`,
      'routes.js': `module.exports = function routes(app) {\n  app.get('/health', (req, res) => res.send('ok'));\n  app.post('/items', (req, res) => res.status(201).end());\n};\n`,
    });
    const report = scan(dir);
    expect(routesOf(dir)).toEqual(['GET /health', 'POST /items']);
    expect(report.routes.every((r) => r.owner === 'app.js:2')).toBe(true);
    expect(report.notAnalysed).toEqual([]);
  });

  it('follows a typed ES function with a prefix, and a default prefix when a call leaves it out', () => {
    const dir = tempApp({
      'main.ts': `import express from 'express';\nimport { mountApi, mountAdmin } from './api.js';\nconst app = express();\nmountApi(app, '/v1');\nmountAdmin(app);\napp.listen(3000);\n`,
      'api.ts': `import { Router, type Express } from 'express';\nexport function mountApi(app: Express, prefix: string) {\n  const router = Router();\n  router.get('/bots', (req, res) => res.json([]));\n  app.use(prefix, router);\n}\nexport const mountAdmin = (app: Express, prefix = '/admin') => {\n  const admin = Router();\n  admin.delete('/cache', (req, res) => res.end());\n  app.use(prefix, admin);\n};\n`,
    });
    expect(routesOf(dir)).toEqual(['DELETE /admin/cache', 'GET /v1/bots']);
    expect(scan(dir).notAnalysed).toEqual([]);
  });

  it('says so when a function is given two different routers, and lists no route under a guess', () => {
    const dir = tempApp({
      'app.js': `import express from 'express';\nconst app = express();\nconst a = express.Router();\nconst b = express.Router();\nfunction addPing(target) {\n  target.get('/ping', (req, res) => res.send('pong'));\n}\naddPing(a);\naddPing(b);\napp.use('/a', a);\napp.use('/b', b);\n`,
    });
    const report = scan(dir);
    expect(report.routes).toEqual([]);
    expect(report.notAnalysed).toEqual([
      {
        file: 'app.js',
        line: 5,
        why: 'parameter target is given 2 different apps or routers (a, b): what is registered on it is not listed',
      },
    ]);
  });

  it('leaves a parameter unknown when the calls pass different prefixes', () => {
    const dir = tempApp({
      'app.js': `import express from 'express';\nconst app = express();\nfunction mount(prefix) {\n  const r = express.Router();\n  r.get('/x', (req, res) => res.end());\n  app.use(prefix, r);\n}\nmount('/one');\nmount('/two');\n`,
    });
    const report = scan(dir);
    expect(report.notAnalysed.map((n) => n.why)).toEqual(['use() path is not a constant: prefix']);
  });
});
