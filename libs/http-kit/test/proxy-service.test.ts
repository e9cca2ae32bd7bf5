import { describe, expect, it } from 'vitest';
import { proxyRequest, proxyRest, proxyService } from '../src/index.js';

describe('proxyService', () => {
  const services = { httpbin: { url: 'http://127.0.0.1:4010' } };

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
  const service = { url: 'http://127.0.0.1:4010/base' };

  it('builds the target below the service from the raw target', () => {
    const target = proxyRequest(service, '/v1/proxy/x/a%2Fb?q=1', {});
    expect(target.url.toString()).toBe('http://127.0.0.1:4010/base/a%2Fb?q=1');
  });

  it('is 400 SWY_ERR_VALIDATION at /params/* for a path that would leave the service', () => {
    expect(() => proxyRequest(service, '/v1/proxy/x/%2e%2e/secret', {})).toThrow(
      expect.objectContaining({
        code: 'SWY_ERR_VALIDATION',
        details: [{ path: '/params/*', message: 'is not a valid path below the service' }],
      }),
    );
  });
});
