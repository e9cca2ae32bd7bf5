// A Lambda bundle invoked as a container would run it: a fresh `node` process started from a
// folder with no node_modules, the bundle imported, its handler called with API Gateway HTTP API
// (payload 2.0) events one after another. The test of the bundles and the cold-start bench use it.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

const DRIVER = fileURLToPath(new URL('./lambda-driver.mjs', import.meta.url));

export interface GatewayRequest {
  readonly method: string;
  /** The path and query, e.g. `/v1/bots?limit=2`. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as JSON, with `content-type: application/json`. */
  readonly json?: unknown;
}

/**
 * The event an HTTP API's `$default` route hands a function for `request` (payload 2.0, the
 * fields AWS documents; e2e/contract's stand-in gateway builds the same from a live request).
 */
export function apiGatewayV2Event(request: GatewayRequest): APIGatewayProxyEventV2 {
  const [rawPath = '/', rawQueryString = ''] = request.path.split(/\?(.*)/s);
  const headers: Record<string, string> = {
    host: 'abc123.execute-api.eu-west-1.amazonaws.com',
    'user-agent': 'switchyard-lambda-invoke',
    'x-forwarded-for': '198.51.100.7',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
    ...(request.json === undefined ? {} : { 'content-type': 'application/json' }),
    ...Object.fromEntries(
      Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
    ),
  };
  const query = new URLSearchParams(rawQueryString);
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    ...(rawQueryString ? { queryStringParameters: Object.fromEntries(query) } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: headers['host']!,
      domainPrefix: 'abc123',
      http: {
        method: request.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '198.51.100.7',
        userAgent: headers['user-agent']!,
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(request.json === undefined ? {} : { body: JSON.stringify(request.json) }),
    isBase64Encoded: false,
  };
}

/**
 * A function's environment for the Lambda tests and the bench, as deploy/lambda/template.yaml
 * sets it: the database, a pool of one (one invocation at a time per container), and the
 * upstream URLs the config requires (no route these callers send reaches them).
 */
export function functionEnv(databaseUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    DB_POOL_SIZE: '1',
    LOG_LEVEL: 'warn',
    MODEL_URL: 'http://127.0.0.1:9/model',
    KNOWLEDGE_URL: 'http://127.0.0.1:9/knowledge',
  };
}

export interface Invocation {
  /** The handler's own time for this event, in the child (ms). */
  readonly ms: number;
  /** From the spawn to this result's line reaching the parent (ms). */
  readonly sinceSpawnMs: number;
  /** The process's resident memory right after it (bytes). */
  readonly rssBytes: number;
  readonly result: APIGatewayProxyStructuredResultV2;
}

export interface FreshRun {
  /** The bundle's `import()` alone, in the child (ms). */
  readonly importMs: number;
  /** From the spawn to the import's line reaching the parent (ms). */
  readonly importedSinceSpawnMs: number;
  readonly invocations: readonly Invocation[];
}

/** True when Node's resolution from `dir` would find a node_modules folder. */
export function reachesNodeModules(dir: string): boolean {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, 'node_modules'))) return true;
    if (path.dirname(d) === d) return false;
  }
}

/**
 * Spawns `node lambda-driver.mjs <bundle> <events>` with only `env` (and PATH), the bundle's
 * folder as its working directory, and the driver copied to a temp folder; resolves with what
 * it printed once it exits 0, rejects with its stderr otherwise. Refuses a bundle from which a
 * node_modules folder is reachable: what it proves is that the bundle needs none.
 */
export async function invokeFresh(options: {
  readonly bundle: string;
  readonly events: readonly unknown[];
  readonly env: Readonly<Record<string, string>>;
  /** The node binary (default: this process's). */
  readonly node?: string;
  readonly timeoutMs?: number;
}): Promise<FreshRun> {
  const cwd = path.dirname(path.resolve(options.bundle));
  if (reachesNodeModules(cwd)) throw new Error(`a node_modules folder is reachable from ${cwd}`);
  const dir = await mkdtemp(path.join(tmpdir(), 'switchyard-lambda-driver-'));
  try {
    const driver = path.join(dir, 'driver.mjs');
    const events = path.join(dir, 'events.json');
    await copyFile(DRIVER, driver);
    await writeFile(events, JSON.stringify(options.events));
    const began = performance.now();
    const child = spawn(options.node ?? process.execPath, [driver, options.bundle, events], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 60_000,
    });
    const lines: Array<{ at: number; line: Record<string, unknown> }> = [];
    let pending = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const at = performance.now() - began;
      pending += chunk;
      for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n')) {
        lines.push({ at, line: JSON.parse(pending.slice(0, nl)) as Record<string, unknown> });
        pending = pending.slice(nl + 1);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < 64 * 1024) stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    const imported = lines.find((l) => l.line['step'] === 'import');
    if (code !== 0 || !imported) {
      throw new Error(`the bundle's process exited ${code}: ${stderr.trim().slice(-2000)}`);
    }
    return {
      importMs: imported.line['ms'] as number,
      importedSinceSpawnMs: imported.at,
      invocations: lines
        .filter((l) => l.line['step'] === 'invoke')
        .map((l) => ({
          ms: l.line['ms'] as number,
          sinceSpawnMs: l.at,
          rssBytes: l.line['rssBytes'] as number,
          result: l.line['result'] as APIGatewayProxyStructuredResultV2,
        })),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
