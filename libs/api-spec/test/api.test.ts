import { describe, expect, it } from 'vitest';
import {
  allowedMethods,
  apiRoutes,
  buildOpenApiDocument,
  openApiPath,
  RequestValidator,
} from '../src/index.js';

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
