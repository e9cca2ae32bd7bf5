import { describe, expect, it } from 'vitest';
import { proxyTarget } from '../src/index.js';

describe('proxyTarget', () => {
  const service = {
    url: 'http://127.0.0.1:4010/base',
    headers: { 'X-Api-Key': 'secret' },
    paths: ['/'],
  };

  it('keeps the origin and base path, adds the service headers and drops the client credentials', () => {
    const target = proxyTarget(service, 'a/b', '?q=1', {
      authorization: 'Bearer client-token',
      cookie: 'session=1',
      connection: 'keep-alive',
      accept: 'application/json',
      host: 'gateway.example',
    });
    expect(target?.url.toString()).toBe('http://127.0.0.1:4010/base/a/b?q=1');
    expect(target?.headers).toEqual({
      accept: 'application/json',
      'x-api-key': 'secret',
      'x-forwarded-for': 'unknown',
      forwarded: 'for=unknown',
    });
  });

  it('forwards only allow-listed request headers and sets X-Forwarded-For and Forwarded', () => {
    const target = proxyTarget(
      service,
      'a',
      '',
      {
        'x-real-ip': '10.0.0.1',
        'true-client-ip': '10.0.0.1',
        'x-original-url': '/admin',
        'x-rewrite-url': '/admin',
        via: '1.1 lb',
        'x-forwarded-for': '1.2.3.4',
        forwarded: 'for=1.2.3.4',
        'x-api-key': 'client-chosen',
        'x-anything': 'y',
        'user-agent': 'ua',
        'accept-encoding': 'gzip',
        range: 'bytes=0-1',
        'if-none-match': ['"a"', '"b"'],
        connection: 'range',
      },
      '192.0.2.7',
    );
    expect(target?.headers).toEqual({
      'user-agent': 'ua',
      'accept-encoding': 'gzip',
      'if-none-match': '"a", "b"',
      'x-forwarded-for': '192.0.2.7',
      forwarded: 'for=192.0.2.7',
      'x-api-key': 'secret',
    });
  });

  it('quotes and brackets an IPv6 client in Forwarded (RFC 7239 §6)', () => {
    expect(proxyTarget(service, 'a', '', {}, '::1')?.headers).toMatchObject({
      'x-forwarded-for': '::1',
      forwarded: 'for="[::1]"',
    });
  });

  it.each([
    '../etc/passwd',
    '..%2F..%2Fsecret',
    '%2e%2e/%2e%2e/secret',
    'a/../../b',
    'a\\..\\b',
    '/\\evil.example/x',
    '%252e%252e%252fsecret',
    'a%0d%0aX-Injected:%201',
    '%E0%A4%A',
  ])('refuses %s', (rest) => {
    const target = proxyTarget(service, rest, '', {});
    // Either refused outright, or kept below the base path on the configured origin.
    if (target) {
      expect(target.url.origin).toBe('http://127.0.0.1:4010');
      expect(target.url.pathname.startsWith('/base/')).toBe(true);
      expect(decodeURIComponent(target.url.pathname)).not.toMatch(/\.\./);
    }
  });

  it('never lets the path pick another host', () => {
    for (const rest of [
      '@evil.example/x',
      '//evil.example/x',
      'http://evil.example/',
      '127.0.0.2:80/x',
    ]) {
      const target = proxyTarget(service, rest, '', {});
      if (target) expect(target.url.host).toBe('127.0.0.1:4010');
    }
  });
});
