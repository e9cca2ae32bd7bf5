// The shadow report (src/shadow-report.ts, the `shadow-report` target): a bridge's log in, one
// line per shadowed route out, "ready to move" once a route has enough matches and no mismatch.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openDatabase, type Database } from '@switchyard/persistence';
import { serve } from '@switchyard/fastify-api';
import { contractConfig, startUpstream, type RunningUpstream } from '@switchyard/testing';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBridge, formatReport, ShadowLogReader } from '../src/index.js';

const run = promisify(execFile);
const counts = (matches: number, mismatches = 0, dropped = 0, errors = 0) => ({
  matches,
  mismatches,
  dropped,
  errors,
});
const summary = (runId: string, routes: Record<string, ReturnType<typeof counts>>) =>
  JSON.stringify({
    level: 30,
    msg: 'shadow summary',
    shadowSummary: { run: runId, final: false, routes },
  });

describe('ShadowLogReader', () => {
  it("takes each process's last summary and adds the processes up", () => {
    const reader = new ShadowLogReader();
    reader.add(summary('a', { 'GET /v1/bots': counts(5) }));
    reader.add(summary('b', { 'GET /v1/bots': counts(7, 0, 2) }));
    reader.add(summary('a', { 'GET /v1/bots': counts(9) }));
    expect(reader.report(10).rows).toEqual([
      { route: 'GET /v1/bots', ...counts(16, 0, 2), verdict: 'ready to move', lastDiff: [] },
    ]);
    expect(reader.report(17).rows[0]!.verdict).toBe('not yet: 16 of 17 matches');
  });

  it('holds back a route with a mismatch or a shadow error, whatever its matches, with the last diff', () => {
    const reader = new ShadowLogReader();
    reader.add(
      summary('a', {
        'GET /v1/bots': counts(5000, 1),
        'GET /v1/conversations': counts(5000, 0, 0, 3),
      }),
    );
    reader.add(
      JSON.stringify({
        msg: 'shadow mismatch',
        shadowMismatch: { route: 'GET /v1/bots', diff: [{ path: 'body.bots[0].name' }] },
      }),
    );
    reader.add('not json');
    const report = reader.report(10);
    expect(report.rows.map((row) => [row.route, row.verdict, row.lastDiff])).toEqual([
      ['GET /v1/bots', 'not yet: 1 mismatches', ['body.bots[0].name']],
      ['GET /v1/conversations', 'not yet: 3 shadow errors', []],
    ]);
    expect(report.skipped).toBe(1);
    expect(formatReport(report)).toContain('(last diff: body.bots[0].name)');
  });
});

describe('shadow-report on a real bridge log', () => {
  let upstream: RunningUpstream;
  let db: Database;
  let dir: string;
  let logFile: string;
  beforeAll(async () => {
    upstream = await startUpstream();
    db = await openDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'shadow-report-'));
    logFile = path.join(dir, 'bridge.log');
    const lines: string[] = [];
    const config = contractConfig(upstream, { SHADOW_GROUPS: 'bots,conversations' });
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const server = await serve(
      buildBridge({ config, db, logger, moved: ['health', 'docs'] }),
      config,
    );
    const user = { username: `report-${Date.now()}`, password: 'correct horse battery' };
    await request(server.url).post('/v1/accounts').send(user).expect(201);
    const session = await request(server.url).post('/v1/sessions').send(user).expect(201);
    const auth = { authorization: `Bearer ${(session.body as { token: string }).token}` };
    for (let i = 0; i < 3; i++) await request(server.url).get('/v1/bots').set(auth).expect(200);
    await request(server.url).get('/v1/conversations').set(auth).expect(200);
    await server.close();
    await writeFile(logFile, lines.join(''));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await db?.close();
    await upstream?.close();
  });

  it('prints a line per route, ready to move where the matches reach --min-matches', async () => {
    const script = path.resolve(import.meta.dirname, '../src/shadow-report.ts');
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', '--conditions=@switchyard/source', script, logFile, '--min-matches', '3'],
      { timeout: 30_000 },
    );
    const rows = stdout.split('\n').map((line) => line.split(/\s{2,}/));
    expect(rows[0]).toEqual([
      'route',
      'matches',
      'mismatches',
      'dropped',
      'shadow errors',
      'verdict',
    ]);
    expect(rows).toContainEqual(['GET /v1/bots', '3', '0', '0', '0', 'ready to move']);
    expect(rows).toContainEqual([
      'GET /v1/conversations',
      '1',
      '0',
      '0',
      '0',
      'not yet: 1 of 3 matches',
    ]);
    expect(stdout).toContain('1 process counted');
  });

  it('refuses a missing file and a bad flag', async () => {
    const script = path.resolve(import.meta.dirname, '../src/shadow-report.ts');
    const args = ['--import', 'tsx', '--conditions=@switchyard/source', script];
    await expect(
      run(process.execPath, [...args, path.join(dir, 'none.log')]),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('ENOENT'),
    });
    await expect(
      run(process.execPath, [...args, logFile, '--min-matches', '0']),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('usage: shadow-report'),
    });
  });
});
