import { connect } from 'node:net';
import {
  startUpstream,
  type RunningUpstream,
  SECRET_API_KEY,
  type AppUnderTest,
} from '@switchyard/testing';
import { databaseTargets } from '@switchyard/persistence/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
        readonly refused: 400 | 404;
        readonly code: 'SWY_ERR_VALIDATION' | 'SWY_ERR_PROXY_SERVICE_NOT_FOUND';
      }
    | { readonly forwarded: 'httpbin' | 'nested' };
}

/** Where each configured service's requests must land on the stand-in (contractConfig). */
const BASE = { httpbin: '/', nested: '/anything/base/' } as const;

const ATTEMPTS: readonly Attempt[] = [
  {
    name: 'an absolute URL as the path',
    path: '/v1/proxy/httpbin/http://{internal}/get',
    outcome: { forwarded: 'httpbin' },
  },
  {
    name: 'an encoded //host',
    path: '/v1/proxy/httpbin/%2F%2F{internal}/get',
    outcome: { forwarded: 'httpbin' },
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
    path: '/v1/proxy/httpbin/@{internal}/get',
    outcome: { forwarded: 'httpbin' },
  },
  {
    name: 'user:pass@host in the path',
    path: '/v1/proxy/httpbin/user:pass@{internal}/get',
    outcome: { forwarded: 'httpbin' },
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
  {
    name: 'an internal URL in the query',
    path: '/v1/proxy/httpbin/get?url=http://{internal}/get',
    outcome: { forwarded: 'httpbin' },
  },
];

/**
 * Proxy safety (SSRF): the proxy reaches only configured services. A second stand-in plays an
 * internal address; its own request log must stay empty whatever the client tries, and every
 * request the configured stand-in logs must sit below the service's base path.
 */
export async function runProxySafetySuite(subject: AppUnderTest): Promise<void> {
  const [pglite] = await databaseTargets();
  reportCases('proxy safety', subject.name, ATTEMPTS.length + 4);

  describe(`${subject.name} proxy safety (${ATTEMPTS.length + 4} cases)`, () => {
    const ctx = useEnvironment(subject, pglite!);
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

    it("forwards neither the client's credentials nor hop-by-hop headers, and sets the service's", async () => {
      ctx.env.upstream.requests.clear();
      await request(ctx.env.app.url)
        .get('/v1/proxy/httpbin/get')
        .set(auth)
        .set('cookie', 'session=secret')
        .set('proxy-authorization', 'Basic c2VjcmV0')
        .set('connection', 'keep-alive, x-hop')
        .set('x-hop', 'must not pass')
        .set('keep-alive', 'timeout=5')
        .set('te', 'trailers')
        .set('forwarded', `for=1.2.3.4;host=${host()}`)
        .set('x-forwarded-for', '1.2.3.4')
        .set('x-forwarded-host', host())
        .set('x-api-key', 'the client cannot choose this')
        .set('x-trace-id', 'passes')
        .expect(200);
      const seen = ctx.env.upstream.requests.last()!;
      for (const header of [
        'authorization',
        'cookie',
        'proxy-authorization',
        'x-hop',
        'keep-alive',
        'te',
        'forwarded',
        'x-forwarded-for',
        'x-forwarded-host',
      ]) {
        expect(seen.headers[header], header).toBeUndefined();
      }
      expect(seen.headers['x-api-key']).toBe(SECRET_API_KEY);
      expect(seen.headers['x-trace-id']).toBe('passes');
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
  });
}
