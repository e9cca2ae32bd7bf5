import { spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { ReportSchema } from '../src/index.js';
import { FIXTURE, REPO, tempApp } from './helpers.js';

const BIN = join(REPO, 'tools/migrate/bin/switchyard-migrate.mjs');
/** An ANSI escape sequence: colour. */
const coloured = (text: string) => text.includes('\u001b[');

/** The bin as a reader runs it, in a child process; bounded, so a hang fails the test. */
function run(args: readonly string[], env: Record<string, string> = {}, cwd = REPO) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', ...env },
  });
  if (result.error) throw result.error;
  return result;
}

// Each case starts node (and tsx) once or more, a few seconds each, longer on a loaded machine:
// every spawn is bounded by its own timeout, the case by the sum of them.
describe('switchyard-migrate scan', { timeout: 240_000 }, () => {
  it('runs from the repository root through npx, on apps/express-api', () => {
    const result = spawnSync('npx', ['switchyard-migrate', 'scan', 'apps/express-api'], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 90_000,
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(result.error).toBeUndefined();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    // Every TypeScript file of the app's src/, as many as it has today.
    const files = readdirSync(join(REPO, 'apps/express-api/src'), { recursive: true }).filter(
      (name) => String(name).endsWith('.ts'),
    ).length;
    expect(result.stdout).toMatch(
      new RegExp(
        `^switchyard-migrate scan: ${files} files, 1 app\\(s\\), 7 router\\(s\\), 27 routes, 4 blocking pattern`,
      ),
    );
  });

  it('--format json prints a report the schema accepts', () => {
    const result = run(['scan', FIXTURE('express5-esm'), '--format', 'json']);
    expect(result.status).toBe(0);
    expect(Compile(ReportSchema).Check(JSON.parse(result.stdout))).toBe(true);
  });

  it('--fail-on blocking exits 1 when a pattern is found and 0 when none is', () => {
    expect(
      run(['scan', FIXTURE('express5-esm'), '--fail-on', 'blocking', '--format', 'md']).status,
    ).toBe(1);
    const clean = tempApp({
      'app.js': `import express from 'express';\nconst app = express();\napp.get('/', (req, res) => res.send('ok'));\n`,
    });
    expect(run(['scan', clean, '--fail-on', 'blocking']).status).toBe(0);
    // Without the flag, findings are a report, not a failure.
    expect(run(['scan', FIXTURE('express5-esm')]).status).toBe(0);
  });

  it('colours only when asked: none through a pipe, colour with FORCE_COLOR, none again with --no-color', () => {
    const dir = FIXTURE('express5-esm');
    expect(coloured(run(['scan', dir]).stdout)).toBe(false);
    expect(coloured(run(['scan', dir], { FORCE_COLOR: '1' }).stdout)).toBe(true);
    expect(coloured(run(['scan', dir, '--no-color'], { FORCE_COLOR: '1' }).stdout)).toBe(false);
  });

  it('reports a file it cannot parse as not analysed, file:line and why, and scans the rest', () => {
    const dir = tempApp({});
    copyFileSync(join(FIXTURE('unfollowable'), 'app.js'), join(dir, 'app.js'));
    writeFileSync(
      join(dir, 'broken.js'),
      `import express from 'express';\nconst app = express();\napp.get('/x', (req, res) => {\n  res.send(;\n});\n`,
    );
    const result = run(['scan', dir]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /not analysed: broken\.js:4, syntax error, file skipped: '\)' expected\./,
    );
    expect(result.stdout).toMatch(/GET {5}\/known {2}app\.js:15/);
  });

  it('--links puts a base before the docs links of the Markdown ticket, and only with the flag', () => {
    const dir = FIXTURE('express5-esm');
    const base = 'https://example.org/switchyard/blob/main/';
    const linked = run(['scan', dir, '--format', 'md', '--links', base]).stdout;
    expect(linked).toContain(`([recipe](${base}docs/recipes/security.md#helmet))`);
    expect(linked).toContain(`([guide](${base}docs/case-study.md#websocket))`);
    expect(run(['scan', dir, '--format', 'md']).stdout).toContain(
      '([recipe](docs/recipes/security.md#helmet))',
    );
  });

  it('exits 2 with the usage for a bad command line or a missing directory', () => {
    const bad = run(['scan']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(
      /scan takes one directory[\s\S]*Usage: switchyard-migrate scan <dir>/,
    );
    expect(run(['scan', FIXTURE('express5-esm'), '--format', 'yaml']).status).toBe(2);
    const missing = run(['scan', join(REPO, 'no/such/dir')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot scan/);
  });
});
