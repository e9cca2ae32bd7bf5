import { describe, expect, it } from 'vitest';
import { scan } from '../src/index.js';
import { FIXTURE, tempApp } from './helpers.js';

/** A route whose path is `terms` string literals added together, and a plain one in another file. */
function appWithConcatenation(terms: number): string {
  const path = Array.from({ length: terms }, () => "'a'").join(' + ');
  return tempApp({
    'deep.js': `import express from 'express';\nexport const deep = express.Router();\ndeep.get('/' + ${path}, (req, res) => res.send('x'));\n`,
    'app.js': `import express from 'express';\nimport { deep } from './deep.js';\nconst app = express();\napp.use('/deep', deep);\napp.get('/ok', (req, res) => res.send('ok'));\n`,
  });
}

describe('code the scanner cannot follow', () => {
  it('lists each registration it cannot read with its line and why, and the rest as usual', () => {
    const report = scan(FIXTURE('unfollowable'));
    expect(report.notAnalysed).toEqual([
      {
        file: 'app.js',
        line: 11,
        why: 'computed method app[route.method](): its routes are not listed',
      },
      { file: 'app.js', line: 13, why: 'use() path is not a constant: process.env.PREFIX' },
      { file: 'app.js', line: 14, why: 'route path is not a constant: process.env.HEALTH_PATH' },
    ]);
    expect(
      report.routes.filter((r) => r.exact).map((r) => `${r.method} ${r.fullPaths.join()}`),
    ).toEqual(['GET /known']);
  });

  it('opens a loop over a constant list of paths, and not one over a list from the environment', () => {
    const app = (list: string) =>
      tempApp({
        'app.js': `import express from 'express';\nconst app = express();\nfor (const name of ${list}) {\n  app.get(\`/files/\${name}\`, (req, res) => res.send(name));\n}\n`,
      });
    expect(scan(app("['a.css', 'b.js']")).routes.map((r) => r.path)).toEqual([
      '/files/a.css',
      '/files/b.js',
    ]);
    const unknown = scan(app("process.env.FILES.split(',')"));
    expect(unknown.routes.map((r) => `${r.path} ${r.exact}`)).toEqual(['/files/${name} false']);
    expect(unknown.notAnalysed).toEqual([
      { file: 'app.js', line: 4, why: 'route path is partly not a constant: /files/${name}' },
    ]);
  });

  it('gives up on a file nested deeper than the stack, says so, and scans the other files', () => {
    const report = scan(appWithConcatenation(30_000));
    expect(report.notAnalysed).toEqual([
      {
        file: 'deep.js',
        line: 1,
        why: 'the scanner could not follow this file, file skipped: Maximum call stack size exceeded',
      },
    ]);
    expect(report.routes.map((r) => `${r.method} ${r.fullPaths.join()}`)).toEqual(['GET /ok']);
  });

  it('follows the same file when the nesting fits, so the skip above is the depth alone', () => {
    const report = scan(appWithConcatenation(3));
    expect(report.notAnalysed).toEqual([]);
    expect(report.routes.map((r) => `${r.method} ${r.fullPaths.join()}`)).toEqual([
      'GET /ok',
      'GET /deep/aaa',
    ]);
  });
});
