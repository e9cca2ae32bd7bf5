import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '@switchyard/api-spec';
import { WORKSPACE } from '../src/sync-fragments.js';

const REDOCLY = path.join(WORKSPACE, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');
const CONFIG = path.join(WORKSPACE, 'redocly.yaml');

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: Array<{ ruleId: string; message: string }>;
}

/**
 * `redocly lint` with the repository's redocly.yaml, as JSON. Its exit code counts errors only,
 * so the callers read the totals: a warning of the recommended rules is a failure here too.
 */
async function lint(file: string): Promise<LintReport> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [REDOCLY, 'lint', file, '--config', CONFIG, '--format', 'json'],
    { env: { ...process.env, NO_COLOR: '1', REDOCLY_TELEMETRY: 'off' }, maxBuffer: 16 << 20 },
  ).catch((error: Error & { stdout?: string }) => {
    // Errors in the document exit 1 with the report still on stdout.
    if (error.stdout) return { stdout: error.stdout };
    throw error;
  });
  return JSON.parse(stdout) as LintReport;
}

describe('the OpenAPI document under Redocly CLI lint, recommended rules', () => {
  let scratch: string;

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'switchyard-openapi-'));
  });

  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('has no problem, warnings included', async () => {
    const file = path.join(scratch, 'openapi.json');
    await writeFile(file, JSON.stringify(buildOpenApiDocument(), null, 2));

    const report = await lint(file);

    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
  });

  it('still asks every operation for a success response, 101 counted as one', async () => {
    // redocly.yaml swaps the built-in 2XX rule for one that accepts the WebSocket upgrade's 101:
    // the stream operation without its 101 must fail it, or the swap checks nothing.
    const document = buildOpenApiDocument();
    const stream = document.paths['/v1/bots/{botId}/stream']?.get as {
      responses: Record<string, unknown>;
    };
    delete stream.responses['101'];
    const file = path.join(scratch, 'no-success.json');
    await writeFile(file, JSON.stringify(document, null, 2));

    const report = await lint(file);

    expect(report.problems.map((p) => p.ruleId)).toEqual(['rule/operation-success-response']);
  });
});
