import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CONTROL_HEADER,
  HTTPBIN_PATHS,
  startUpstream,
  type RunningUpstream,
  SECRET_API_KEY,
} from '@switchyard/testing';
import { databaseTargets } from '@switchyard/persistence/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../apps.js';
import { useEnvironment } from '../support.js';
import { expectDocumented } from './openapi-check.js';
import { reportCases } from './report.js';

interface Attempt {
  readonly name: string;
  /** The path and query as the client sends them, `{internal}` standing for host:port. */
  readonly path: string;
  /** 'refused': a 4xx with this code and nothing forwarded. 'forwarded': to the service, under its base. */
  readonly outcome:
    | {
        readonly refused: 400 | 403 | 404;
        readonly code:
          | 'SWY_ERR_VALIDATION'
          | 'SWY_ERR_PROXY_SERVICE_NOT_FOUND'
          | 'SWY_ERR_PROXY_PATH_NOT_ALLOWED';
      }
    | { readonly forwarded: 'httpbin' | 'nested' };
}

/** Where each configured service's requests must land on the stand-in (contractConfig). */
const BASE = { httpbin: '/', nested: '/anything/base/' } as const;

const ATTEMPTS: readonly Attempt[] = [
  {
    name: 'an absolute URL as the path',
    path: '/v1/proxy/nested/http://{internal}/get',
    outcome: { forwarded: 'nested' },
  },
  {
    name: 'an encoded //host',
    path: '/v1/proxy/nested/%2F%2F{internal}/get',
    outcome: { forwarded: 'nested' },
  },
  {
    name: '.. segments',
    path: '/v1/proxy/nested/../../get',
    outcome: { refused: 400, code: 'SWY_ERR_VALIDATION' },
  },
  {
    name: 'encoded %2e%2e segments',
    path: '/v1/proxy/nested/%2e%2e/%2e%2e/get',
    outcome: { refused: 400, code: 'SWY_ERR_VALIDATION' },
  },
  {
    name: 'encoded ..%2F',
    path: '/v1/proxy/nested/..%2F..%2Fget',
    outcome: { refused: 400, code: 'SWY_ERR_VALIDATION' },
  },
  // Decoded once, %252e is "%2e": a literal name below the base, never a climb.
  {
    name: 'double-encoded %252e%252e',
    path: '/v1/proxy/nested/%252e%252e/%252e%252e/get',
    outcome: { forwarded: 'nested' },
  },
  {
    name: 'userinfo @host in the path',
    path: '/v1/proxy/nested/@{internal}/get',
    outcome: { forwarded: 'nested' },
  },
  {
    name: 'user:pass@host in the path',
    path: '/v1/proxy/nested/user:pass@{internal}/get',
    outcome: { forwarded: 'nested' },
  },
  {
    name: 'encoded backslashes',
    path: '/v1/proxy/httpbin/%5C%5C{internal}/get',
    outcome: { refused: 400, code: 'SWY_ERR_VALIDATION' },
  },
  {
    name: 'a backslash climb',
    path: '/v1/proxy/nested/..%5C..%5Cget',
    outcome: { refused: 400, code: 'SWY_ERR_VALIDATION' },
  },
  {
    name: 'an IPv4 literal as the service',
    path: '/v1/proxy/127.0.0.1/get',
    outcome: { refused: 404, code: 'SWY_ERR_PROXY_SERVICE_NOT_FOUND' },
  },
  {
    name: 'host:port as the service',
    path: '/v1/proxy/{internal}/get',
    outcome: { refused: 404, code: 'SWY_ERR_PROXY_SERVICE_NOT_FOUND' },
  },
  {
    name: 'an IPv6 literal as the service',
    path: '/v1/proxy/%5B%3A%3A1%5D/get',
    outcome: { refused: 404, code: 'SWY_ERR_PROXY_SERVICE_NOT_FOUND' },
  },
  {
    name: 'a decimal IP as the service',
    path: '/v1/proxy/2130706433/get',
    outcome: { refused: 404, code: 'SWY_ERR_PROXY_SERVICE_NOT_FOUND' },
  },
  {
    name: 'a prototype key as the service',
    path: '/v1/proxy/__proto__/get',
    outcome: { refused: 404, code: 'SWY_ERR_PROXY_SERVICE_NOT_FOUND' },
  },
  {
    name: 'CR LF header injection in the path',
    path: '/v1/proxy/httpbin/get%0D%0AX-Injected:%20yes',
    outcome: { refused: 400, code: 'SWY_ERR_VALIDATION' },
  },
  {
    name: 'a NUL in the path',
    path: '/v1/proxy/httpbin/get%00',
    outcome: { refused: 400, code: 'SWY_ERR_VALIDATION' },
  },
  // The path allow-list (PROXY_SERVICES.<name>.paths): httpbin opens HTTPBIN_PATHS only,
  // matched on the path as forwarded, whole segments at a time.
  ...[
    ['the stand-in request log', '/v1/proxy/httpbin/__requests'],
    ['the request log, percent-encoded', '/v1/proxy/httpbin/%5F%5Frequests'],
    ["the bots' model routes", '/v1/proxy/httpbin/model/stream'],
    ["the bots' knowledge sources", '/v1/proxy/httpbin/sources/1/answer?q=secret'],
    ['a prefix with more letters (/getx for /get)', '/v1/proxy/httpbin/getx'],
    ['another letter case (/GET for /get)', '/v1/proxy/httpbin/GET'],
    ['the folder itself for a prefix that ends in /', '/v1/proxy/httpbin/anything'],
    ['an encoded slash as a segment boundary', '/v1/proxy/httpbin/anything%2Fx'],
    ['a path no prefix names', '/v1/proxy/httpbin/post'],
  ].map(([name, path]): Attempt => ({
    name: `outside the allow-list: ${name}`,
    path: path!,
    outcome: { refused: 403, code: 'SWY_ERR_PROXY_PATH_NOT_ALLOWED' },
  })),
  {
    name: 'an allowed prefix, percent-encoded (%67et is /get)',
    path: '/v1/proxy/httpbin/%67et',
    outcome: { forwarded: 'httpbin' },
  },
  {
    name: 'below an allowed prefix (/status/204 for /status)',
    path: '/v1/proxy/httpbin/status/204',
    outcome: { forwarded: 'httpbin' },
  },
  {
    name: 'a climb out of an allowed prefix (/get/..%2F__requests)',
    path: '/v1/proxy/httpbin/get/..%2F__requests',
    outcome: { refused: 400, code: 'SWY_ERR_VALIDATION' },
  },
  {
    name: 'an internal URL in the query',
    path: '/v1/proxy/httpbin/get?url=http://{internal}/get',
    outcome: { forwarded: 'httpbin' },
  },
];

/** This suite's bounds: small, so that a test can reach them. */
const MAX_RESPONSE_BYTES = 1024 * 1024;
const MAX_CONCURRENT = 3;
/** A body far past the bound, streamed without Content-Length: it must never be held. */
const HUGE_BYTES = 64 * 1024 * 1024;

/** Headers an upstream might trust, which a client must not be able to set through the proxy. */
const SPOOFED = {
  'x-real-ip': '10.0.0.1',
  'true-client-ip': '10.0.0.2',
  'x-original-url': '/__requests',
  'x-rewrite-url': '/__requests',
  via: '1.1 trusted-gateway',
  'x-forwarded-for': '1.2.3.4',
  'x-forwarded-host': 'internal.example',
  'x-forwarded-proto': 'https',
  forwarded: 'for=1.2.3.4;host=internal.example',
  'x-upstream-fault': 'reset',
  'x-api-key': 'the client cannot choose this',
  'x-trace-id': 'any x-* header',
  cookie: 'session=secret',
  'proxy-authorization': 'Basic c2VjcmV0',
} as const;

/** End-to-end headers the proxy passes on (FORWARDED_REQUEST_HEADERS in @switchyard/http-kit). */
const PASSED = {
  accept: 'application/json',
  'accept-language': 'de',
  'user-agent': 'proxy-safety-suite',
  'if-none-match': '"v1"',
} as const;

const CASES = ATTEMPTS.length + 10;

/**
 * Proxy safety (SSRF and hardening): the proxy reaches only configured services, and of those
 * only the paths and methods each one opens; the client's headers pass only from an
 * allow-list; response size and calls in flight per account are bounded. A second stand-in
 * plays an internal address; its own request log must stay empty whatever the client tries,
 * and every request the configured stand-in logs must sit below the service's base path.
 */
export async function runProxySafetySuite(subject: App): Promise<void> {
  const [pglite] = await databaseTargets();
  reportCases('proxy safety', subject.name, CASES);

  describe(`${subject.name} proxy safety (${CASES} cases)`, () => {
    const ctx = useEnvironment(subject, pglite!, {
      overrides: (upstream, downPort) => ({
        PROXY_MAX_RESPONSE_BYTES: String(MAX_RESPONSE_BYTES),
        PROXY_MAX_CONCURRENT_PER_ACCOUNT: String(MAX_CONCURRENT),
        // contractConfig's services, plus `root` (everything of the stand-in, to show that
        // its request log is off the proxied surface whatever the allow-list) and `held`
        // (a long timeout, so that hung calls stay in flight until the test lets go).
        PROXY_SERVICES: JSON.stringify({
          httpbin: {
            url: upstream.url,
            headers: { 'x-api-key': SECRET_API_KEY },
            paths: HTTPBIN_PATHS,
          },
          nested: { url: `${upstream.url}/anything/base`, paths: ['/'] },
          getonly: { url: upstream.url, methods: ['GET'], paths: ['/get'] },
          down: { url: `http://127.0.0.1:${downPort}`, paths: ['/'] },
          root: { url: upstream.url, paths: ['/'] },
          held: { url: upstream.url, paths: ['/get'], timeoutMs: 60_000 },
        }),
      }),
    });
    let internal: RunningUpstream;
    let auth: { Authorization: string };
    const host = () => `127.0.0.1:${internal.port}`;

    beforeAll(async () => {
      internal = await startUpstream();
      ({ auth } = await ctx.signUp());
    });
    afterAll(async () => {
      // Whatever happened above, nothing may ever have reached the internal address.
      expect(internal?.requests.total()).toBe(0);
      await internal?.close();
    });

    it.each(ATTEMPTS)('$name', async ({ path, outcome }) => {
      ctx.env.upstream.requests.clear();
      const res = await request(ctx.env.app.url)
        .get(path.replaceAll('{internal}', host()))
        .set(auth)
        .redirects(0)
        .timeout(5_000);
      expect(res.status).toBeLessThan(500);
      if ('refused' in outcome) {
        expect(res.status).toBe(outcome.refused);
        expect((res.body as { error: { code: string } }).error.code).toBe(outcome.code);
        expectDocumented('proxy', res);
        expect(ctx.env.upstream.requests.total()).toBe(0);
      } else {
        const seen = ctx.env.upstream.requests.all();
        expect(seen, `${res.status} ${JSON.stringify(res.body)}`).toHaveLength(1);
        expect(seen[0]!.url.startsWith(BASE[outcome.forwarded])).toBe(true);
        if (outcome.forwarded === 'httpbin')
          expect(seen[0]!.headers['x-api-key']).toBe(SECRET_API_KEY);
      }
      expect(internal.requests.total()).toBe(0);
    });

    it('refuses a method the service does not open with 405 and its Allow, forwarding nothing', async () => {
      ctx.env.upstream.requests.clear();
      const res = await request(ctx.env.app.url).head('/v1/proxy/getonly/get').set(auth);
      expect(res.status).toBe(405);
      expect(res.headers['allow']).toBe('GET');
      expect(ctx.env.upstream.requests.total()).toBe(0);
      const get = await request(ctx.env.app.url).get('/v1/proxy/getonly/get').set(auth);
      expect(get.status).toBe(200);
      expect(ctx.env.upstream.requests.all().map((r) => r.method)).toEqual(['GET']);
    });

    it('forwards HEAD as HEAD where the service opens it (the default GET and HEAD)', async () => {
      ctx.env.upstream.requests.clear();
      const res = await request(ctx.env.app.url).head('/v1/proxy/httpbin/get').set(auth);
      expect(res.status).toBe(200);
      expect(ctx.env.upstream.requests.all().map((r) => [r.method, r.url])).toEqual([
        ['HEAD', '/get'],
      ]);
    });

    it("keeps the stand-in's request log off the proxied surface, even with everything open and its control header", async () => {
      ctx.env.upstream.requests.clear();
      // Someone else's question to a bot, which the request log holds.
      await fetch(`${ctx.env.upstream.url}/sources/1/answer?q=${encodeURIComponent('my secret')}`);
      for (const method of ['get', 'head'] as const) {
        const api = request(ctx.env.app.url);
        const res = await api[method]('/v1/proxy/root/__requests')
          .set(auth)
          .set(CONTROL_HEADER, ctx.env.upstream.controlToken!);
        expect(res.status).toBe(404);
        expect(res.text ?? '').not.toContain('secret');
      }
    });

    it("forwards only allow-listed headers, never the client's credentials, and sets X-Forwarded-For and Forwarded itself", async () => {
      ctx.env.upstream.requests.clear();
      await request(ctx.env.app.url)
        .get('/v1/proxy/httpbin/get')
        .set(auth)
        .set(SPOOFED)
        .set(PASSED)
        .set('connection', 'keep-alive, x-hop, accept-language')
        .set('x-hop', 'must not pass')
        .set('keep-alive', 'timeout=5')
        .set('te', 'trailers')
        .expect(200);
      const seen = ctx.env.upstream.requests.last()!;
      for (const header of [
        'authorization',
        'x-hop',
        'keep-alive',
        'te',
        ...Object.keys(SPOOFED).filter(
          (h) => !['x-api-key', 'x-forwarded-for', 'forwarded'].includes(h),
        ),
      ]) {
        expect(seen.headers[header], header).toBeUndefined();
      }
      // Named in Connection: hop-by-hop for this request, so it stays behind too.
      expect(seen.headers['accept-language']).toBeUndefined();
      for (const [name, value] of Object.entries(PASSED)) {
        if (name !== 'accept-language') expect(seen.headers[name], name).toBe(value);
      }
      expect(seen.headers['x-api-key']).toBe(SECRET_API_KEY);
      expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
      expect(seen.headers['forwarded']).toBe('for=127.0.0.1');
      expect(seen.headers['host']).toBe(new URL(ctx.env.upstream.url).host);
    });

    it('never lets the Host header choose the upstream', async () => {
      ctx.env.upstream.requests.clear();
      await request(ctx.env.app.url)
        .get('/v1/proxy/httpbin/get')
        .set(auth)
        .set('host', host())
        .expect(200);
      expect(ctx.env.upstream.requests.last()!.headers['host']).toBe(
        new URL(ctx.env.upstream.url).host,
      );
      expect(internal.requests.total()).toBe(0);
    });

    it('passes an upstream redirect to an internal address back without following it or its Location', async () => {
      for (const status of ['302', '307', '308']) {
        ctx.env.upstream.requests.clear();
        const target = encodeURIComponent(`http://${host()}/get`);
        const res = await request(ctx.env.app.url)
          .get(`/v1/proxy/httpbin/redirect-to?url=${target}&status=${status}`)
          .set(auth)
          .redirects(0);
        expect(res.status).toBe(Number(status));
        expect(res.headers['location']).toBeUndefined();
        expect(ctx.env.upstream.requests.total()).toBe(1);
      }
      expect(internal.requests.total()).toBe(0);
    });

    it('answers an absolute-form request line (a forward-proxy request) without forwarding it', async () => {
      ctx.env.upstream.requests.clear();
      const { port } = new URL(ctx.env.app.url);
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.write(
            `GET http://${host()}/get HTTP/1.1\r\nHost: ${host()}\r\nAuthorization: ${auth.Authorization}\r\nConnection: close\r\n\r\n`,
          );
        });
        let text = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => (text += chunk));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
        socket.setTimeout(5_000, () => socket.destroy(new Error('no answer')));
      });
      expect(answer.split('\r\n')[0]).toMatch(/^HTTP\/1\.1 4\d\d /);
      expect(internal.requests.total()).toBe(0);
      expect(ctx.env.upstream.requests.total()).toBe(0);
    });

    it(`passes a body of exactly PROXY_MAX_RESPONSE_BYTES, and one byte more with its Content-Length is 502`, async () => {
      const at = await request(ctx.env.app.url)
        .get(`/v1/proxy/httpbin/bytes/${MAX_RESPONSE_BYTES}`)
        .set(auth)
        .buffer(true)
        .parse(binary);
      expect(at.status).toBe(200);
      expect((at.body as Buffer).length).toBe(MAX_RESPONSE_BYTES);
      for (const stream of ['', '?stream=1']) {
        const res = await request(ctx.env.app.url)
          .get(`/v1/proxy/httpbin/bytes/${MAX_RESPONSE_BYTES}${stream}`)
          .set(auth)
          .buffer(true)
          .parse(binary);
        expect(res.status, stream).toBe(200);
      }
      const over = await request(ctx.env.app.url)
        .get(`/v1/proxy/httpbin/bytes/${MAX_RESPONSE_BYTES + 1}`)
        .set(auth);
      expect(over.status).toBe(502);
      expect(over.body.error.code).toBe('SWY_ERR_UPSTREAM_BAD_RESPONSE');
      expectDocumented('proxy', over);
    });

    it(
      subject.faults.proxy === 'buffered'
        ? 'answers a body past the bound without Content-Length with 502 and keeps serving (buffered: nothing sent yet)'
        : 'cuts a streamed body off at the bound when it has no Content-Length, and keeps serving',
      async () => {
        for (const bytes of [MAX_RESPONSE_BYTES + 1, HUGE_BYTES]) {
          const outcome = await fetch(
            `${ctx.env.app.url}/v1/proxy/httpbin/bytes/${bytes}?stream=1`,
            { headers: auth, signal: AbortSignal.timeout(20_000) },
          ).then(
            async (res) => {
              const received = await res.arrayBuffer().then(
                (body) => body.byteLength,
                () => 'cut' as const,
              );
              return { status: res.status, received };
            },
            () => ({ status: 0, received: 'cut' as const }),
          );
          if (subject.faults.proxy === 'buffered') {
            expect(outcome.status).toBe(502);
          } else {
            // The status went out with the first bytes; the connection is cut at the bound.
            expect(outcome.received).toBe('cut');
          }
          await request(ctx.env.app.url).get('/health').expect(200);
        }
      },
    );

    it('allows PROXY_MAX_CONCURRENT_PER_ACCOUNT calls in flight per account; one more is 429 with Retry-After, then fine again', async () => {
      const { faults } = ctx.env.upstream;
      const other = await ctx.signUp();
      const holds = Array.from({ length: MAX_CONCURRENT }, () => new AbortController());
      const held = holds.map((hold) =>
        fetch(`${ctx.env.app.url}/v1/proxy/held/get?fault=hang`, {
          headers: auth,
          signal: hold.signal,
        }).catch(() => undefined),
      );
      try {
        await until(() => faults.held() === MAX_CONCURRENT);
        const refused = await request(ctx.env.app.url).get('/v1/proxy/httpbin/get').set(auth);
        expect(refused.status).toBe(429);
        expect(refused.body.error.code).toBe('SWY_ERR_RATE_LIMITED');
        expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expectDocumented('proxy', refused);
        // Per account: another one is not held back.
        await request(ctx.env.app.url).get('/v1/proxy/httpbin/get').set(other.auth).expect(200);
      } finally {
        for (const hold of holds) hold.abort();
        await Promise.all(held);
      }
      await until(() => faults.held() === 0);
      await until(
        async () =>
          (await request(ctx.env.app.url).get('/v1/proxy/httpbin/get').set(auth)).status === 200,
      );
    });
  });
}

/** supertest's parser for a binary body: the bytes, as a Buffer. */
const binary = ((res: NodeJS.ReadableStream, done: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}) as unknown as Parameters<request.Test['parse']>[0];

/** Waits until `check` holds, polling; fails after 10 s (a hang guard, not a timing bound). */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < 200; tries += 1) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error('the condition did not hold within 10 s');
}
