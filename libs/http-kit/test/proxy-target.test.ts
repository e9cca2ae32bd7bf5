import { describe, expect, it } from 'vitest';
import { proxyTarget } from '../src/index.js';

describe('proxyTarget', () => {
  const service = { url: 'http://127.0.0.1:4010/base', headers: { 'X-Api-Key': 'secret' } };

  it('keeps the origin and base path, adds the service headers and drops the client credentials', () => {
    const target = proxyTarget(service, 'a/b', '?q=1', {
      authorization: 'Bearer client-token',
      cookie: 'session=1',
      connection: 'keep-alive',
      accept: 'application/json',
      host: 'gateway.example',
    });
    expect(target?.url.toString()).toBe('http://127.0.0.1:4010/base/a/b?q=1');
    expect(target?.headers).toEqual({ accept: 'application/json', 'x-api-key': 'secret' });
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
