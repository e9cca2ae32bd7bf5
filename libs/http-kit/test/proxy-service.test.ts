import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import {
  InFlightLimit,
  byteCap,
  declaredTooLarge,
  proxyRequest,
  proxyRest,
  proxyService,
} from '../src/index.js';

describe('proxyService', () => {
  const services = { httpbin: { url: 'http://127.0.0.1:4010', paths: ['/'] } };

  it('finds a configured service', () => {
    expect(proxyService(services, 'httpbin')).toBe(services.httpbin);
  });

  it.each(['elsewhere', '__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'is 404 SWY_ERR_PROXY_SERVICE_NOT_FOUND for %s (own keys only)',
    (name) => {
      expect(() => proxyService(services, name)).toThrow(
        expect.objectContaining({ code: 'SWY_ERR_PROXY_SERVICE_NOT_FOUND', status: 404 }),
      );
    },
  );
});

describe('proxyRest', () => {
  it('takes the rest below the service, still percent-encoded, and the query string', () => {
    expect(proxyRest('/v1/proxy/httpbin/a%2Fb/c?q=1&r=%20')).toEqual({
      rest: 'a%2Fb/c',
      search: '?q=1&r=%20',
    });
    expect(proxyRest('/v1/proxy/httpbin/get')).toEqual({ rest: 'get', search: '' });
    expect(proxyRest('/v1/proxy/httpbin/%2e%2e/x')).toEqual({ rest: '%2e%2e/x', search: '' });
  });

  it('keeps what proxyTarget must refuse as it is', () => {
    expect(proxyRest('/v1/proxy/httpbin//evil.example/x').rest).toBe('/evil.example/x');
  });

  it.each(['http://gateway.example:8080/v1/proxy/httpbin/a/b?q=1', 'HTTPS://x/v1/proxy/httpbin/a'])(
    'refuses %s, a target in absolute form, with 400 SWY_ERR_VALIDATION',
    (target) => {
      expect(() => proxyRest(target)).toThrow(
        expect.objectContaining({ code: 'SWY_ERR_VALIDATION', status: 400 }),
      );
    },
  );

  it('is empty for a path outside the proxy route', () => {
    expect(proxyRest('/v1/bots')).toEqual({ rest: '', search: '' });
  });
});

describe('proxyRequest', () => {
  const service = { url: 'http://127.0.0.1:4010/base', paths: ['/'] };
  const get = (url: string) => ({ method: 'GET', url, headers: {}, ip: '127.0.0.1' });

  it('builds the target below the service from the raw target', () => {
    const target = proxyRequest(service, get('/v1/proxy/x/a%2Fb?q=1'));
    expect(target.url.toString()).toBe('http://127.0.0.1:4010/base/a%2Fb?q=1');
    expect(target.headers['x-forwarded-for']).toBe('127.0.0.1');
  });

  it('is 400 SWY_ERR_VALIDATION at /params/* for a path that would leave the service', () => {
    expect(() => proxyRequest(service, get('/v1/proxy/x/%2e%2e/secret'))).toThrow(
      expect.objectContaining({
        code: 'SWY_ERR_VALIDATION',
        details: [{ path: '/params/*', message: 'is not a valid path below the service' }],
      }),
    );
  });

  describe('paths', () => {
    const open = { url: 'http://127.0.0.1:4010/base', paths: ['/get', '/anything/'] };

    it.each([
      '/v1/proxy/x/get',
      '/v1/proxy/x/get/more',
      '/v1/proxy/x/%67et?q=1',
      '/v1/proxy/x/anything/a%2Fb',
    ])('forwards %s', (url) => {
      expect(proxyRequest(open, get(url)).url.pathname.startsWith('/base/')).toBe(true);
    });

    it.each([
      '/v1/proxy/x/getx',
      '/v1/proxy/x/GET',
      '/v1/proxy/x/anything',
      '/v1/proxy/x/anything%2Fx',
      '/v1/proxy/x/__requests',
      '/v1/proxy/x/%5F%5Frequests',
      '/v1/proxy/x/ge%74x',
    ])('is 403 SWY_ERR_PROXY_PATH_NOT_ALLOWED for %s', (url) => {
      expect(() => proxyRequest(open, get(url))).toThrow(
        expect.objectContaining({ code: 'SWY_ERR_PROXY_PATH_NOT_ALLOWED', status: 403 }),
      );
    });

    it('checks a climb (400) before the allow-list', () => {
      expect(() => proxyRequest(open, get('/v1/proxy/x/get/..%2F__requests'))).toThrow(
        expect.objectContaining({ code: 'SWY_ERR_VALIDATION' }),
      );
    });
  });

  describe('methods', () => {
    it('allows GET and HEAD by default', () => {
      for (const method of ['GET', 'HEAD'])
        expect(() => proxyRequest(service, { ...get('/v1/proxy/x/a'), method })).not.toThrow();
    });

    it("is 405 SWY_ERR_METHOD_NOT_ALLOWED with the service's Allow otherwise", () => {
      const getOnly = { ...service, methods: ['GET' as const] };
      expect(() => proxyRequest(getOnly, { ...get('/v1/proxy/x/a'), method: 'HEAD' })).toThrow(
        expect.objectContaining({
          code: 'SWY_ERR_METHOD_NOT_ALLOWED',
          status: 405,
          headers: { Allow: 'GET' },
        }),
      );
    });
  });
});

describe('InFlightLimit', () => {
  it('allows max calls per key, then 429 with Retry-After, and frees a slot once on release', () => {
    const limit = new InFlightLimit(2);
    const first = limit.acquire('a');
    limit.acquire('a');
    limit.acquire('b');
    expect(() => limit.acquire('a')).toThrow(
      expect.objectContaining({
        code: 'SWY_ERR_RATE_LIMITED',
        status: 429,
        headers: { 'Retry-After': '1' },
      }),
    );
    first();
    first();
    expect(limit.inFlight('a')).toBe(1);
    expect(() => limit.acquire('a')).not.toThrow();
    expect(() => limit.acquire('a')).toThrow();
  });
});

describe('InFlightLimit.acquireUntilClosed', () => {
  it('frees the slot when the response closes, and at once for one closed already', () => {
    const limit = new InFlightLimit(1);
    const open = new EventEmitter() as EventEmitter & { closed: boolean };
    open.closed = false;
    limit.acquireUntilClosed('a', open as unknown as ServerResponse);
    expect(limit.inFlight('a')).toBe(1);
    open.emit('close');
    expect(limit.inFlight('a')).toBe(0);
    limit.acquireUntilClosed('a', { closed: true } as unknown as ServerResponse);
    expect(limit.inFlight('a')).toBe(0);
  });
});

describe('response cap', () => {
  it('refuses a declared Content-Length over the bound, not at it', () => {
    expect(declaredTooLarge('10', 10)).toBe(false);
    expect(declaredTooLarge('11', 10)).toBe(true);
    expect(declaredTooLarge(undefined, 10)).toBe(false);
  });

  it('passes exactly maxBytes through byteCap and fails on the next byte', async () => {
    const at = Readable.from([Buffer.alloc(6), Buffer.alloc(4)]).pipe(byteCap(10));
    expect(Buffer.concat(await at.toArray()).length).toBe(10);
    const over = Readable.from([Buffer.alloc(6), Buffer.alloc(5)]).pipe(byteCap(10));
    await expect(over.toArray()).rejects.toMatchObject({ code: 'SWY_ERR_UPSTREAM_BAD_RESPONSE' });
  });
});
