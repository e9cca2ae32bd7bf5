import { describe, expect, it } from 'vitest';
import {
  allowedMethods,
  apiRoutes,
  buildOpenApiDocument,
  ConfigError,
  loadConfig,
  openApiPath,
  proxyTarget,
  RequestValidator,
} from '../src/index.js';

const required = { MODEL_URL: 'http://127.0.0.1:4010', KNOWLEDGE_URL: 'http://127.0.0.1:4010' };

describe('loadConfig', () => {
  it('converts numbers, parses PROXY_SERVICES and fills defaults', () => {
    const config = loadConfig({
      ...required,
      PORT: '3001',
      PROXY_SERVICES: '{"httpbin":{"url":"http://127.0.0.1:4010","headers":{"x-api-key":"k"}}}',
    });
    expect(config).toMatchObject({
      PORT: 3001,
      HOST: '127.0.0.1',
      BODY_LIMIT_BYTES: 65_536,
      PROXY_SERVICES: { httpbin: { url: 'http://127.0.0.1:4010', headers: { 'x-api-key': 'k' } } },
    });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('lists every bad variable once, by name', () => {
    let message = '';
    try {
      loadConfig({ MODEL_URL: 'ftp://nope', PORT: 'eighty' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    const lines = message
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(':')[0]);
    expect(lines.sort()).toEqual(['KNOWLEDGE_URL', 'MODEL_URL', 'PORT']);
  });

  it('refuses PROXY_SERVICES that is not JSON or names a service badly', () => {
    expect(() => loadConfig({ ...required, PROXY_SERVICES: '{nope' })).toThrow(
      /PROXY_SERVICES: is not valid JSON/,
    );
    expect(() =>
      loadConfig({ ...required, PROXY_SERVICES: '{"Bad Name":{"url":"http://x"}}' }),
    ).toThrow(ConfigError);
  });
});

describe('RequestValidator', () => {
  const validator = new RequestValidator();

  it('coerces query strings but never bodies', () => {
    const query = validator.compile(apiRoutes.listConversations.schema.querystring, 'query');
    expect(query({ limit: '7' })).toEqual({ value: { limit: 7 } });
    const body = validator.compile(apiRoutes.postMessage.schema.body, 'body');
    expect(body({ text: 5 })).toMatchObject({
      error: {
        code: 'SWY_ERR_VALIDATION',
        details: [{ path: '/body/text', message: 'must be string' }],
      },
    });
  });

  it('reports missing and extra fields with their paths', () => {
    const body = validator.compile(apiRoutes.createAccount.schema.body, 'body');
    const result = body({ username: 'abc', extra: 1 });
    expect('error' in result && result.error.details).toEqual([
      { path: '/body/password', message: "must have required property 'password'" },
      { path: '/body/extra', message: 'is not allowed' },
    ]);
  });
});

describe('OpenAPI document', () => {
  const doc = buildOpenApiDocument();

  it('has every route of the table with its responses', () => {
    for (const route of Object.values(apiRoutes)) {
      const op = doc.paths[openApiPath(route.path)]?.[route.method.toLowerCase()] as
        { responses: Record<string, unknown>; security: unknown[] } | undefined;
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      expect(Object.keys(op!.responses).map(Number).sort()).toEqual(
        Object.keys(route.schema.response).map(Number).sort(),
      );
      expect(op!.security).toEqual(route.auth ? [{ bearerAuth: [] }] : []);
    }
  });

  it('is plain JSON: the same after a round trip', () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});

describe('allowedMethods', () => {
  it('lists the methods of a known path and nothing for an unknown one', () => {
    expect(allowedMethods('/v1/accounts')).toBe('POST');
    expect(allowedMethods('/v1/bots')).toBe('GET, HEAD');
    expect(allowedMethods('/v1/bots/echo/messages')).toBe('POST');
    expect(allowedMethods('/v1/proxy/httpbin/a/b/c')).toBe('GET, HEAD');
    expect(allowedMethods('/v1/nothing')).toBe('');
  });
});

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
