// The set-up every suite shares: a describe per database target (skipped with its reason), the
// environment started in beforeAll and closed in afterAll, accounts signed up and logged in, and
// the checks an error answer must pass.
import { randomUUID } from 'node:crypto';
import { envelope, type ApiRouteName, type ErrorCodeValue } from '@switchyard/api-spec';
import { databaseTargets, type DatabaseTarget } from '@switchyard/persistence/testing';
import { startEnvironment, type AppUnderTest, type Environment } from '@switchyard/testing';
import { pino } from 'pino';
import request, { type Response } from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectDocumented } from './suites/openapi-check.js';

export function buildCredentials(overrides: Partial<{ username: string; password: string }> = {}) {
  return {
    username: `u-${randomUUID().slice(0, 12)}`,
    password: 'correct horse battery',
    ...overrides,
  };
}

export interface Account {
  readonly username: string;
  readonly password: string;
  readonly id: string;
  readonly token: string;
  readonly expiresAt: string;
  readonly auth: { readonly Authorization: string };
}

/** A new account, logged in; every step must answer within `timeoutMs` when given. */
export async function signUp(url: string, options: { timeoutMs?: number } = {}): Promise<Account> {
  const credentials = buildCredentials();
  const send = (path: string) => {
    const req = request(url).post(path).send(credentials);
    return options.timeoutMs ? req.timeout(options.timeoutMs) : req;
  };
  const created = await send('/v1/accounts').expect(201);
  const session = await send('/v1/sessions').expect(201);
  const token = session.body.token as string;
  return {
    ...credentials,
    id: created.body.id as string,
    token,
    expiresAt: session.body.expiresAt as string,
    auth: { Authorization: `Bearer ${token}` },
  };
}

/** The exact envelope of an error whose message is the catalogue default. */
export function errorBody(code: ErrorCodeValue) {
  return envelope(code);
}

/**
 * The three checks every error case makes: the status, the exact envelope with the catalogue's
 * message, and that the OpenAPI document lists that status for the route.
 */
export function expectError(
  route: ApiRouteName,
  res: Response,
  status: number,
  code: ErrorCodeValue,
): void {
  expect(res.status).toBe(status);
  expect(res.body).toEqual(errorBody(code));
  expectDocumented(route, res);
}

/**
 * The database targets the suites run each case on: databaseTargets(), or those of the kinds
 * CONTRACT_DATABASES names (a comma list of `pglite` and `postgres`). `.ci/run` sets `pglite`
 * for the extra Node versions: the embedded database is the part that depends on the runtime
 * (WebAssembly, the file system), where pg is JavaScript over a socket, already run on both
 * databases by the machine's Node. An unknown kind fails the file rather than run nothing.
 */
export async function contractTargets(): Promise<DatabaseTarget[]> {
  const all = await databaseTargets();
  const named = (process.env['CONTRACT_DATABASES'] ?? '')
    .split(',')
    .map((kind) => kind.trim())
    .filter(Boolean);
  if (named.length === 0) return all;
  const unknown = named.filter((kind) => !all.some((t) => t.kind === kind));
  if (unknown.length > 0) {
    throw new Error(`CONTRACT_DATABASES: unknown database kind ${unknown.join(', ')}`);
  }
  return all.filter((t) => named.includes(t.kind));
}

/**
 * One describe per database target (contractTargets): the embedded PGlite always, and the
 * PostgreSQL server when it answers (always in CI). A target that cannot run gets one skipped
 * case saying why.
 */
export async function describeEachTarget(
  title: (target: DatabaseTarget) => string,
  body: (target: DatabaseTarget) => void,
): Promise<void> {
  for (const target of await contractTargets()) describeTarget(title(target), target, body);
}

/** A describe for one database target, or one skipped case saying why the target cannot run. */
export function describeTarget(
  title: string,
  target: DatabaseTarget,
  body: (target: DatabaseTarget) => void,
): void {
  describe(title, () => {
    if (target.skipReason) {
      it.skip(`(skipped: ${target.skipReason})`, () => {});
      return;
    }
    body(target);
  });
}

/**
 * "Any 5xx in any e2e suite fails it", for the 5xx that is a bug: `subject`, started with a
 * logger at level error that keeps every line whose code is SWY_ERR_INTERNAL (the one code
 * logged at error, libs/http-kit log-level.ts), and an afterEach in the enclosing describe that
 * fails the case during which one was logged. A 502, 503 or 504 (an upstream or the database
 * down, which suites cause on purpose) is logged at warn and passes. Call it inside a describe;
 * an app that takes no logger (an AppUnderTest without one) logs as it always did.
 */
export interface GuardedApp extends AppUnderTest {
  /** The SWY_ERR_INTERNAL lines logged since the last call; the guard's own test reads them. */
  takeInternalErrors(): string[];
}

export function failOnInternalErrors(subject: AppUnderTest): GuardedApp {
  const seen: string[] = [];
  const logger = pino(
    { level: 'error' },
    {
      write(line: string) {
        if (line.includes('"code":"SWY_ERR_INTERNAL"')) seen.push(line.slice(0, 2_000));
      },
    },
  );
  afterEach(() => {
    const lines = seen.splice(0);
    // Named in the failure, so that the case's own assertions are not the only clue.
    expect(lines, `${subject.name} logged an unexpected 500 SWY_ERR_INTERNAL`).toEqual([]);
  });
  return {
    name: subject.name,
    // The apps of apps.ts take a logger; the extra field is ignored by one that does not.
    start: (options) => subject.start({ ...options, logger } as typeof options),
    takeInternalErrors: () => seen.splice(0),
  };
}

/**
 * The lines of a spawned app's output that report SWY_ERR_INTERNAL: the suites that run an app
 * as a process (shutdown, log secrecy) expect none, as failOnInternalErrors does in process.
 */
export function internalErrorLines(output: readonly string[]): string[] {
  return output
    .join('')
    .split('\n')
    .filter((line) => line.includes('"code":"SWY_ERR_INTERNAL"'))
    .map((line) => line.slice(0, 2_000));
}

/** The environment of the enclosing describe, once its beforeAll has run. */
export interface UsedEnvironment {
  readonly env: Environment;
  /** supertest against the app. */
  api(): ReturnType<typeof request>;
  signUp(): Promise<Account>;
}

/**
 * Starts the upstream stand-in, a fresh database of the target's kind and the app on both in
 * the enclosing describe's beforeAll, and closes them in its afterAll. A case during which the
 * app logs a SWY_ERR_INTERNAL fails (failOnInternalErrors).
 */
export function useEnvironment(
  subject: AppUnderTest,
  target: DatabaseTarget,
  options?: Parameters<typeof startEnvironment>[2],
): UsedEnvironment {
  let env: Environment | undefined;
  const guarded = failOnInternalErrors(subject);
  beforeAll(async () => {
    env = await startEnvironment(guarded, target, options);
  });
  afterAll(async () => {
    await env?.close();
  });
  const started = () => {
    if (!env) throw new Error('the environment has not started (used outside a test?)');
    return env;
  };
  return {
    get env() {
      return started();
    },
    api: () => request(started().app.url),
    signUp: () => signUp(started().app.url),
  };
}
