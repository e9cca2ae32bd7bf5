// The bridge against the path spellings of the 2026 advisories on @fastify/express and
// @fastify/middie (docs/recipes/bridge.md#bridge-path-bypass): encoded, double-encoded,
// case-changed, duplicate-slash, `;` and dot-segment forms of protected routes, on a group
// Express serves and on a group moved to Fastify, sent as written and without a token. Each is
// refused with the API's 401 or answered 404; none is served. Both sides authenticate per
// route, never by a path-scoped guard, so a spelling either router serves meets the auth check.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { openDatabase, type Database } from '@switchyard/persistence';
import { contractConfig, startUpstream, type RunningUpstream } from '@switchyard/testing';
import { serve, type RunningServer } from '@switchyard/fastify-api';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBridge } from '../src/index.js';
import { SPLIT } from './support.js';

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** GET with the path as written: supertest would resolve `.` and `..` before sending. */
function rawGet(base: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.setTimeout(5_000, () => req.destroy(new Error(`GET ${path}: no answer within 5 s`)));
    req.on('error', reject);
    req.end();
  });
}

/** Spellings of `/v1/<group><tail>` that a router might take for the route itself. */
function spellings(group: string, tail = ''): readonly string[] {
  const [first, rest] = [group[0]!, group.slice(1)];
  const hex = first.charCodeAt(0).toString(16);
  return [
    `/v1/%${hex}${rest}${tail}`, // CVE-2026-22031, CVE-2026-22037
    `/v1/%25${hex}${rest}${tail}`, // double-encoded
    `/%76%31/${group}${tail}`,
    `/V1/${group.toUpperCase()}${tail}`,
    `/v1/${first.toUpperCase()}${rest}${tail}`,
    `//v1/${group}${tail}`, // CVE-2026-2880, CVE-2026-33808
    `/v1//${group}${tail}`,
    `///v1///${group}${tail}`,
    `/v1/${group};x${tail}`, // CVE-2026-2880, CVE-2026-33808
    `/v1/${group}${tail};jsessionid=1`,
    `/v1/${group}${tail}/`,
    `/v1/${group}${tail}//`,
    `/v1/./${group}${tail}`,
    `/v1/x/../${group}${tail}`,
    `/v1/x/%2e%2e/${group}${tail}`,
    `/v1%2F${group}${tail}`, // CVE-2026-6414's separator
    `/v1/${group}${tail}%2F`,
    `/v1/${group}${tail}%00`,
    `/v1/${group}${tail}?`,
    `/v1/${group}${tail}#x`,
  ];
}

/** Refused (401, the API's envelope) or unknown (404): anything but served. */
function expectRefusedOrUnknown(path: string, res: Answer): void {
  expect([401, 404], `${path} answered ${res.status}: ${res.body}`).toContain(res.status);
  const code = res.status === 401 ? 'SWY_ERR_AUTH_REQUIRED' : 'SWY_ERR_NOT_FOUND';
  expect(JSON.parse(res.body)).toMatchObject({ error: { code } });
}

let upstream: RunningUpstream;
let db: Database;
let server: RunningServer;
let auth: { authorization: string };
beforeAll(async () => {
  upstream = await startUpstream();
  db = await openDatabase();
  const config = contractConfig(upstream);
  server = await serve(buildBridge({ config, db, logger: false, moved: SPLIT }), config);
  const credentials = { username: `bypass-${Date.now()}`, password: 'correct horse battery' };
  await request(server.url).post('/v1/accounts').send(credentials).expect(201);
  const session = await request(server.url).post('/v1/sessions').send(credentials).expect(201);
  auth = { authorization: `Bearer ${(session.body as { token: string }).token}` };
});
afterAll(async () => {
  await server?.close();
  await db?.close();
  await upstream?.close();
});

const GROUPS = [
  ['bots', '', 'moved: Fastify serves it'],
  ['conversations', '', 'not moved: Express serves it'],
  ['proxy', '/httpbin/get', 'not moved: Express serves it, reading req.originalUrl'],
] as const;

it('premise: bots is moved, conversations and the proxy are not', () => {
  expect(SPLIT).toContain('bots');
  expect(SPLIT).not.toContain('conversations');
  expect(SPLIT).not.toContain('proxy');
});

describe.each(GROUPS)('GET /v1/%s%s (%s)', (group, tail) => {
  it('is served with a token and refused without one', async () => {
    expect((await rawGet(server.url, `/v1/${group}${tail}`, auth)).status).toBe(200);
    expectRefusedOrUnknown(`/v1/${group}${tail}`, await rawGet(server.url, `/v1/${group}${tail}`));
  });

  it.each(spellings(group, tail))(
    '%s without a token: refused or unknown, never served',
    async (path) => {
      expectRefusedOrUnknown(path, await rawGet(server.url, path));
    },
  );

  it.each(spellings(group, tail))(
    '%s with a token: served only where it was refused without one',
    async (path) => {
      const withToken = await rawGet(server.url, path, auth);
      const without = await rawGet(server.url, path);
      if (withToken.status === 200) expect(without.status, path).toBe(401);
    },
  );
});

it('answers each spelling alike on both sides of the bridge', async () => {
  const answers = async (group: string) =>
    Promise.all(spellings(group).map(async (path) => (await rawGet(server.url, path)).status));
  expect(await answers('bots')).toEqual(await answers('conversations'));
});
