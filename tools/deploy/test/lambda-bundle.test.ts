import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServerDatabase, type ServerDatabase } from '@switchyard/persistence/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LAMBDA_APPS,
  LAMBDA_FILE,
  LEFT_OUT_OF_LAMBDA,
  buildLambda,
  type LambdaBuildResult,
} from '../src/build-app.js';
import {
  apiGatewayV2Event,
  functionEnv,
  invokeFresh,
  reachesNodeModules,
  type FreshRun,
} from '../src/lambda-invoke.js';

const FRAMEWORK = { 'express-api': 'express', 'fastify-api': 'fastify' } as const;
/** The node that runs the bundles: LAMBDA_NODE (e.g. a Node 24 binary, the template's runtime), else this one. */
const NODE = process.env['LAMBDA_NODE'] || process.execPath;

describe.each(LAMBDA_APPS)('the Lambda bundle of %s', (app) => {
  let dir: string;
  let built: LambdaBuildResult;
  let db: ServerDatabase;
  let run: FreshRun;
  const credentials = { username: `u-bundle-${app}`, password: 'correct horse battery' };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'switchyard-lambda-bundle-'));
    built = await buildLambda(app, { outdir: path.join(dir, app) });
    db = await createServerDatabase();
    run = await invokeFresh({
      node: NODE,
      bundle: built.entry,
      env: functionEnv(db.url),
      events: [
        apiGatewayV2Event({ method: 'GET', path: '/health' }),
        apiGatewayV2Event({ method: 'POST', path: '/v1/accounts', json: credentials }),
        apiGatewayV2Event({ method: 'POST', path: '/v1/sessions', json: credentials }),
        apiGatewayV2Event({
          method: 'POST',
          path: '/v1/sessions',
          json: { ...credentials, password: 'wrong horse battery' },
        }),
        apiGatewayV2Event({ method: 'GET', path: '/docs/static/swagger-ui.css' }),
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is one file with the npm packages inside, and only PGlite and pg-native left out', async () => {
    expect(path.basename(built.entry)).toBe(LAMBDA_FILE);
    expect((await readdir(built.outdir)).sort()).toEqual(['assets', LAMBDA_FILE]);
    expect(built.packages).toEqual(expect.arrayContaining(['pg', 'pino', FRAMEWORK[app]]));
    expect(built.leftOut).toEqual(Object.keys(LEFT_OUT_OF_LAMBDA).sort());
    expect(built.assets).toContain('assets/libs/persistence/migrations');
    expect(existsSync(path.join(built.outdir, 'package.json'))).toBe(false);
  });

  it('loads in a fresh node with no node_modules reachable and answers GET /health', () => {
    expect(reachesNodeModules(built.outdir)).toBe(false);
    const [health] = run.invocations;
    expect(health?.result.statusCode).toBe(200);
    expect(JSON.parse(health!.result.body!)).toEqual({ status: 'ok' });
  });

  it('signs up with POST /v1/accounts and logs in with POST /v1/sessions on PostgreSQL', () => {
    const [, created, session, refused] = run.invocations.map((i) => i.result);
    expect(created?.statusCode).toBe(201);
    expect(JSON.parse(created!.body!)).toMatchObject({
      id: expect.any(String),
      username: credentials.username,
    });
    expect(session?.statusCode).toBe(201);
    expect(JSON.parse(session!.body!)).toMatchObject({
      token: expect.any(String),
      expiresAt: expect.any(String),
    });
    expect(refused?.statusCode).toBe(401);
  });

  it("serves Swagger UI's files from the assets copied beside it", () => {
    const css = run.invocations[4]?.result;
    expect(css?.statusCode).toBe(200);
    expect(css?.body).toContain('.swagger-ui');
  });
});
