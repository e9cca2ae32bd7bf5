import { connect } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { envelope, type ErrorCode } from '@switchyard/api-spec';
import { databaseTargets, type DatabaseTarget } from '@switchyard/persistence/testing';
import {
  openSocket,
  startEnvironment,
  type AppUnderTest,
  type Environment,
} from '@switchyard/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, failOnInternalErrors, signUp } from '../support.js';
import { reportCases } from './report.js';

/** The headers every response carries, the raw ones included (helmet's, see security-headers.ts). */
const SECURITY_HEADERS: Readonly<Record<string, string | RegExp>> = {
  'content-security-policy': /(^|;)default-src 'self'(;|$)/,
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': /^max-age=\d{7,}; includeSubDomains$/,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** A response as read off the socket. */
interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * Writes bytes no HTTP client would send and reads what comes back until the server closes the
 * connection (or, as a hang guard, 5 s). Every response read is returned, in order.
 */
function rawExchange(url: string, ...writes: string[]): Promise<RawResponse[]> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const guard = setTimeout(() => socket.destroy(), 5_000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(guard);
      try {
        resolve(parseResponses(Buffer.concat(chunks).toString('latin1')));
      } catch (error) {
        reject(error as Error);
      }
    });
    // One write per request, each after the answer to the one before has begun to arrive.
    void (async () => {
      for (const [i, text] of writes.entries()) {
        if (i > 0) {
          const seen = chunks.length;
          while (chunks.length === seen && !socket.destroyed) {
            await new Promise((r) => setTimeout(r, 10));
          }
        }
        socket.write(text);
      }
    })();
  });
}

function parseResponses(text: string): RawResponse[] {
  const responses: RawResponse[] = [];
  let rest = text;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end === -1) throw new Error(`not an HTTP response: ${JSON.stringify(rest.slice(0, 200))}`);
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    const body = rest.slice(end + 4, end + 4 + length);
    responses.push({ status: Number(statusLine!.split(' ')[1]), headers, body });
    rest = rest.slice(end + 4 + length);
  }
  return responses;
}

function expectSecure(headers: Readonly<Record<string, unknown>>): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    const actual = headers[name] as string | undefined;
    if (typeof value === 'string') expect(actual, name).toBe(value);
    else expect(actual, name).toMatch(value);
  }
  expect(headers['x-request-id'], 'x-request-id').toMatch(UUID);
}

/** The database the cases run on: the server when it answers, else PGlite. */
async function cheapestTarget(): Promise<DatabaseTarget> {
  const targets = await databaseTargets();
  return targets.find((t) => t.kind === 'postgres' && !t.skipReason) ?? targets[0]!;
}

/** A JSON body as each route takes it: log-in is Express's in the bridge, messages Fastify's. */
interface BodyRoute {
  readonly path: string;
  readonly status: number;
  readonly body: (account: Account) => string;
  readonly auth: boolean;
}
const BODY_ROUTES: readonly BodyRoute[] = [
  {
    path: '/v1/sessions',
    status: 201,
    auth: false,
    body: ({ username, password }) => JSON.stringify({ username, password }),
  },
  {
    path: '/v1/bots/echo/messages',
    status: 201,
    auth: true,
    body: () => JSON.stringify({ text: 'hi' }),
  },
];

type BodyCase = readonly [
  what: string,
  headers: Record<string, string>,
  encode: (json: string) => Buffer,
  status: number | 'ok',
];
const utf8 = (json: string) => Buffer.from(json);
const JSON_TYPE = { 'content-type': 'application/json' };
const BODY_CASES: readonly BodyCase[] = [
  [
    'a UTF-8 byte order mark before the JSON',
    JSON_TYPE,
    (j) => Buffer.concat([BOM, utf8(j)]),
    'ok',
  ],
  ['only a byte order mark (no JSON text)', JSON_TYPE, () => BOM, 400],
  ['charset=UTF-8 (any case)', { 'content-type': 'application/json; charset=UTF-8' }, utf8, 'ok'],
  ['charset="utf-8" (quoted)', { 'content-type': 'application/json; charset="utf-8"' }, utf8, 'ok'],
  ['charset=latin1', { 'content-type': 'application/json; charset=latin1' }, utf8, 415],
  ['charset=iso-8859-1', { 'content-type': 'application/json; charset=iso-8859-1' }, utf8, 415],
  ['charset=utf-16', { 'content-type': 'application/json; charset=utf-16' }, utf8, 415],
  ['Content-Encoding: identity', { ...JSON_TYPE, 'content-encoding': 'identity' }, utf8, 'ok'],
  ['Content-Encoding: gzip', { ...JSON_TYPE, 'content-encoding': 'gzip' }, (j) => gzipSync(j), 415],
  [
    'Content-Encoding: deflate',
    { ...JSON_TYPE, 'content-encoding': 'deflate' },
    (j) => deflateSync(j),
    415,
  ],
  [
    'Content-Encoding: br',
    { ...JSON_TYPE, 'content-encoding': 'br' },
    (j) => brotliCompressSync(j),
    415,
  ],
  ['Content-Encoding: x-foo (unknown)', { ...JSON_TYPE, 'content-encoding': 'x-foo' }, utf8, 415],
  [
    'Content-Encoding: gzip on a body that is not gzip',
    { ...JSON_TYPE, 'content-encoding': 'gzip' },
    utf8,
    415,
  ],
];

/** A path, its method, the status, and for a 200 the plain path that must answer the same. */
type PathCase = readonly [path: string, method: 'get' | 'delete', status: number, also?: string];
const PATH_CASES: readonly PathCase[] = [
  ['/v1/%62ots', 'get', 200, '/v1/bots'],
  ['/v1/bot%73', 'get', 200, '/v1/bots'],
  ['/%68ealth', 'get', 200, '/health'],
  ['/v1/%62ots', 'delete', 405],
  // %42 is "B": another path, as /v1/Bots is.
  ['/v1/%42ots', 'get', 404],
  // An encoded slash is data, not a separator.
  ['/v1/bots%2F', 'get', 404],
];

type ParserCase = readonly [what: string, bytes: string, status: number, code: ErrorCode];
const PARSER_CASES: readonly ParserCase[] = [
  [
    'a control character in a header value',
    'GET /health HTTP/1.1\r\nHost: x\r\nX-Bad: a\x01b\r\n\r\n',
    400,
    'SWY_ERR_MALFORMED_REQUEST',
  ],
  [
    'a Content-Length that is not a number',
    'POST /v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
    400,
    'SWY_ERR_MALFORMED_REQUEST',
  ],
  [
    'two different Content-Lengths',
    'POST /v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
    400,
    'SWY_ERR_MALFORMED_REQUEST',
  ],
  [
    'a space in the request target',
    'GET /a b HTTP/1.1\r\nHost: x\r\n\r\n',
    400,
    'SWY_ERR_MALFORMED_REQUEST',
  ],
  ['a request line that is not HTTP', 'hello\r\n\r\n', 400, 'SWY_ERR_MALFORMED_REQUEST'],
  [
    'headers over the parser’s limit',
    `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    431,
    'SWY_ERR_HEADERS_TOO_LARGE',
  ],
];

/** Swagger UI: the paths every app serves, as @fastify/swagger-ui lays them out. */
const DOCS_SERVED: ReadonlyArray<readonly [path: string, type: RegExp]> = [
  ['/docs', /^text\/html/],
  ['/docs/', /^text\/html/],
  ['/docs/json', /^application\/json/],
  ['/docs/yaml', /^application\/x-yaml/],
  ['/docs/static/swagger-ui.css', /^text\/css/],
  ['/docs/static/swagger-ui-bundle.js', /javascript/],
  ['/docs/static/swagger-initializer.js', /javascript/],
  ['/docs/static/favicon-32x32.png', /^image\/png/],
];
/** The same rule on the proxy's own prefix and on a WebSocket upgrade (below the table). */
const ENCODED_ELSEWHERE_CASES = 2;
/** Conditional and range requests on Swagger UI's files: whatever send answers, never a 5xx. */
const DOCS_CONDITIONAL: ReadonlyArray<readonly [string, Record<string, string>]> = [
  ['a Range past the end', { range: 'bytes=999999999-' }],
  ['an If-Match no file has', { 'if-match': '"nothing"' }],
];
/** swagger-ui-express's own layout: gone, in every app. */
const DOCS_NOT_SERVED = ['/docs/swagger-ui.css', '/docs/swagger-ui-init.js', '/docs/index.html'];

const CASES =
  BODY_ROUTES.length * BODY_CASES.length +
  PATH_CASES.length +
  PARSER_CASES.length +
  3 +
  DOCS_SERVED.length +
  DOCS_NOT_SERVED.length +
  2 +
  ENCODED_ELSEWHERE_CASES +
  DOCS_CONDITIONAL.length;

/**
 * The HTTP behaviours the three apps once answered differently (issue 11, item 10), one
 * behaviour each (docs/api-behaviour.md, "Request pipeline"): a byte order mark, a charset, a
 * content coding on the request body, percent-encoded unreserved characters in the path, what
 * the HTTP parser refuses, and where Swagger UI's files are.
 */
export async function runParitySuite(subject: AppUnderTest): Promise<void> {
  const target = await cheapestTarget();
  reportCases('parity', subject.name, CASES);

  describe(`${subject.name} parity`, () => {
    // A case during which the app logs SWY_ERR_INTERNAL fails (support.ts).
    const guarded = failOnInternalErrors(subject);
    let env: Environment;
    let account: Account;
    const api = () => request(env.app.url);

    beforeAll(async () => {
      env = await startEnvironment(guarded, target);
      account = await signUp(env.app.url);
    }, 60_000);
    afterAll(async () => {
      await env?.close();
    });

    describe('request bodies', () => {
      for (const route of BODY_ROUTES) {
        for (const [what, headers, encode, status] of BODY_CASES) {
          const expected = status === 'ok' ? route.status : status;
          it(`POST ${route.path} with ${what} is ${expected}`, async () => {
            // fetch sends the bytes as they are (supertest would serialize a Buffer as JSON).
            const res = await fetch(`${env.app.url}${route.path}`, {
              method: 'POST',
              headers: { ...headers, ...(route.auth ? account.auth : {}) },
              body: encode(route.body(account)),
            });
            const text = await res.text();
            expect(res.status, text).toBe(expected);
            if (expected === 400) {
              expect(JSON.parse(text)).toEqual(envelope('SWY_ERR_MALFORMED_JSON'));
            }
            if (expected === 415) {
              expect(JSON.parse(text)).toEqual(envelope('SWY_ERR_UNSUPPORTED_MEDIA_TYPE'));
              if (headers['content-encoding']) {
                expect(res.headers.get('accept-encoding'), 'Accept-Encoding').toBe('identity');
              }
            }
          });
        }
      }
    });

    describe('percent-encoded unreserved characters in the path', () => {
      for (const [path, method, status, plain] of PATH_CASES) {
        it(`${method.toUpperCase()} ${path} is ${status}`, async () => {
          const res = await api()[method](path).set(account.auth);
          expect(res.status, res.text).toBe(status);
          if (plain) {
            const same = await api().get(plain).set(account.auth).expect(200);
            expect(res.body).toEqual(same.body);
          }
          if (status === 404) expect(res.body).toEqual(envelope('SWY_ERR_NOT_FOUND'));
          if (status === 405) {
            expect(res.body).toEqual(envelope('SWY_ERR_METHOD_NOT_ALLOWED'));
            expect(res.headers['allow']).toBe('GET, HEAD');
          }
        });
      }
    });

    describe('percent-encoded unreserved characters elsewhere', () => {
      it('GET /v1/%70roxy/httpbin/get is the proxy route, forwarded to /get', async () => {
        const res = await api().get('/v1/%70roxy/httpbin/get').set(account.auth);
        expect(res.status, res.text).toBe(200);
        expect(env.upstream.requests.all().at(-1)?.url).toBe('/get');
      });
      it('a WebSocket upgrade on /v1/%62ots/echo/stream is the stream', async () => {
        const url = `${env.app.url.replace(/^http/, 'ws')}/v1/%62ots/echo/stream`;
        const socket = await openSocket(url, { headers: account.auth });
        socket.send({ type: 'message', text: 'hi' });
        expect((await socket.untilDone()).at(-1)).toMatchObject({ type: 'done', text: 'echo: hi' });
        socket.socket.close(1000);
      });
    });

    describe('requests the HTTP parser refuses', () => {
      for (const [what, bytes, status, code] of PARSER_CASES) {
        it(`${what}: ${status} ${code}, the envelope and the security headers`, async () => {
          const [res, ...more] = await rawExchange(env.app.url, bytes);
          expect(more).toEqual([]);
          expect(res?.status).toBe(status);
          expect(res!.headers['content-type']).toBe('application/json; charset=utf-8');
          expect(res!.headers['connection']).toBe('close');
          expect(JSON.parse(res!.body)).toEqual(envelope(code));
          expectSecure(res!.headers);
        });
      }

      it('a malformed request after an answered one on the same connection gets the envelope too', async () => {
        const responses = await rawExchange(
          env.app.url,
          'GET /health HTTP/1.1\r\nHost: x\r\n\r\n',
          'GET /health HTTP/1.1\r\nHost: x\r\nX-Bad: a\x01b\r\n\r\n',
        );
        expect(responses.map((r) => r.status)).toEqual([200, 400]);
        expect(JSON.parse(responses[1]!.body)).toEqual(envelope('SWY_ERR_MALFORMED_REQUEST'));
        expectSecure(responses[1]!.headers);
      });

      for (const path of ['/%', '/v1/bots/%E0']) {
        it(`GET ${path} (not valid percent-encoding): 400 SWY_ERR_VALIDATION with the security headers`, async () => {
          const res = await api().get(path);
          expect([res.status, res.body]).toEqual([
            400,
            envelope('SWY_ERR_VALIDATION', undefined, [
              { path: '', message: 'the URL path is not valid percent-encoding' },
            ]),
          ]);
          expectSecure(res.headers);
        });
      }
    });

    describe('Swagger UI', () => {
      for (const [path, type] of DOCS_SERVED) {
        it(`GET ${path} is 200 ${type.source}`, async () => {
          const res = await api().get(path).redirects(0);
          expect(res.status).toBe(200);
          expect(res.headers['content-type']).toMatch(type);
          expectSecure(res.headers);
        });
      }
      for (const path of DOCS_NOT_SERVED) {
        it(`GET ${path} is 404 SWY_ERR_NOT_FOUND`, async () => {
          const res = await api().get(path).redirects(0);
          expect([res.status, res.body]).toEqual([404, envelope('SWY_ERR_NOT_FOUND')]);
        });
      }
      for (const [what, headers] of DOCS_CONDITIONAL) {
        it(`GET /docs/static/swagger-ui.css with ${what} is not a 5xx`, async () => {
          const res = await api().get('/docs/static/swagger-ui.css').set(headers).redirects(0);
          expect(res.status, res.text).toBeLessThan(500);
          expectSecure(res.headers);
        });
      }
      it('GET /docs/static/index.html redirects to /docs/ (302)', async () => {
        const res = await api().get('/docs/static/index.html').redirects(0);
        expect([res.status, res.headers['location']]).toEqual([302, '/docs/']);
      });
      it('every script, style sheet and icon the page names answers 200, from /docs and /docs/', async () => {
        for (const page of ['/docs', '/docs/']) {
          const html = (await api().get(page).expect(200)).text;
          const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
          expect(assets.length).toBeGreaterThan(3);
          for (const asset of assets) {
            const url = new URL(asset, `http://x${page}`).pathname;
            expect(url, asset).toMatch(/^\/docs\/static\//);
            const res = await api().get(url).redirects(0);
            expect(res.status, url).toBe(200);
          }
        }
      });
    });
  });
}
