// before-after.ts's pure parts: its flags, and the table and failure list it prints from the
// runs it took (made-up figures here; the script itself is run by hand, see the README).
import { describe, expect, it } from 'vitest';
import {
  formatTable,
  parseBeforeAfterArgs,
  problemsOf,
  shellQuote,
  type Series,
} from '../src/lib/before-after.js';
import type { LoadResult } from '../src/lib/load.js';

const buildRun = (overrides: Partial<LoadResult> = {}): LoadResult => ({
  rps: 1000,
  p50: 5,
  p99: 20,
  total: 10_000,
  non2xx: 0,
  errors: 0,
  clientCpu: 0.3,
  ...overrides,
});

const buildSeries = (overrides: Partial<Series> = {}): Series => ({
  app: 'fastify-api',
  route: 'write',
  client: 'autocannon',
  before: [buildRun({ rps: 500 }), buildRun({ rps: 400 }), buildRun({ rps: 600 })],
  after: [buildRun({ rps: 1000 }), buildRun({ rps: 1200 }), buildRun({ rps: 900 })],
  ...overrides,
});

describe('parseBeforeAfterArgs', () => {
  it('takes both apps, both routes, 5 rounds of 10 s at 100 connections by default', () => {
    expect(parseBeforeAfterArgs(['--before', '/tmp/before'], {})).toEqual({
      before: '/tmp/before',
      apps: ['express-api', 'fastify-api'],
      routes: ['write', 'light'],
      rounds: 5,
      durationS: 10,
      connections: 100,
      postgres: 'postgres://postgres@127.0.0.1:5432/test',
      out: undefined,
    });
  });

  it('takes the server from TEST_DATABASE_URL unless --postgres names one', () => {
    const env = { TEST_DATABASE_URL: 'postgres://ci@db:5432/test' };
    expect(parseBeforeAfterArgs(['--before', 'b'], env)).toMatchObject({
      postgres: env.TEST_DATABASE_URL,
    });
    expect(
      parseBeforeAfterArgs(['--before', 'b', '--postgres', 'postgres://x@y/z'], env),
    ).toMatchObject({ postgres: 'postgres://x@y/z' });
  });

  it('reads the lists and numbers it is given', () => {
    const options = parseBeforeAfterArgs([
      '--before=b',
      '--apps',
      'fastify-api',
      '--routes',
      'light,write,light',
      '--rounds',
      '1',
      '--duration',
      '3',
      '--connections',
      '10',
      '--out',
      'r.md',
    ]);
    expect(options).toMatchObject({
      apps: ['fastify-api'],
      routes: ['light', 'write'],
      rounds: 1,
      durationS: 3,
      connections: 10,
      out: 'r.md',
    });
  });

  it('throws without --before', () => {
    expect(() => parseBeforeAfterArgs([])).toThrow(/--before <dir> is required/);
  });

  it('throws on an unknown app or route, naming the flag', () => {
    expect(() => parseBeforeAfterArgs(['--before', 'b', '--apps', 'koa-api'])).toThrow(/--apps/);
    expect(() => parseBeforeAfterArgs(['--before', 'b', '--routes', 'heavy'])).toThrow(/--routes/);
  });

  it('throws on a count that is not a whole number above 0', () => {
    for (const value of ['0', '1.5', '-2', '3s'])
      expect(() => parseBeforeAfterArgs(['--before', 'b', '--rounds', value])).toThrow(/--rounds/);
  });

  it('answers help to --help', () => {
    expect(parseBeforeAfterArgs(['--help'])).toBe('help');
  });
});

describe('formatTable', () => {
  it('shows each tree as median (min–max) and the median of the per-round ratios', () => {
    const [, , row] = formatTable([buildSeries()]).split('\n');
    // Per round: 1000/500 = 2, 1200/400 = 3, 900/600 = 1.5; not 1000/500, the medians' ratio.
    expect(row).toBe(
      '| fastify-api | POST /v1/bots/echo/messages | autocannon | 500 (400–600) | 1,000 (900–1,200) | 2× (1.5×–3×) | 20 ms (20 ms–20 ms) | 20 ms (20 ms–20 ms) | 0.3, 0.3 |',
    );
  });

  it('marks a tree whose runs had non-2xx answers, and its ratio, with ✗', () => {
    const series = buildSeries({ after: [buildRun({ non2xx: 3 }), buildRun(), buildRun()] });
    const cells = formatTable([series]).split('\n')[2]!.split(' | ');
    expect(cells[3]).not.toContain('✗');
    expect(cells[4]).toContain('✗');
    expect(cells[5]).toContain('✗');
  });

  it('marks a client above 0.85 of a core with ⚠', () => {
    const series = buildSeries({ before: [buildRun({ clientCpu: 0.9 })], after: [buildRun()] });
    expect(formatTable([series])).toContain('| 0.9 ⚠, 0.3 |');
  });
});

describe('problemsOf', () => {
  it('is empty when every run had 2xx answers only', () => {
    expect(problemsOf([buildSeries()])).toEqual([]);
  });

  it('names the app, tree, route and round of each run with non-2xx answers or socket errors', () => {
    const series = buildSeries({
      route: 'light',
      before: [buildRun(), buildRun({ errors: 2, total: 50 })],
      after: [buildRun({ non2xx: 7, total: 70 }), buildRun()],
    });
    expect(problemsOf([series])).toEqual([
      'fastify-api (before) GET /v1/bots, round 2: 0 non-2xx answers and 2 socket errors out of 50 responses',
      'fastify-api (after) GET /v1/bots, round 1: 7 non-2xx answers and 0 socket errors out of 70 responses',
    ]);
  });
});

describe('shellQuote', () => {
  it('leaves paths and flags alone and quotes the rest', () => {
    expect(shellQuote('--conditions=@switchyard/source')).toBe('--conditions=@switchyard/source');
    expect(shellQuote("it's a dir")).toBe(`'it'\\''s a dir'`);
  });
});
