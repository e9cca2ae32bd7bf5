import { describe, expect, it } from 'vitest';
import {
  allowedMethods,
  apiRoutes,
  buildOpenApiDocument,
  ILL_FORMED,
  openApiPath,
  RequestValidator,
  StreamClientFrameSchema,
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

  it('takes a UUID only in its 8-4-4-4-12 hex form, not as a urn:uuid: URN', () => {
    const params = validator.compile(apiRoutes.listMessages.schema.params, 'params');
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    expect(params({ id })).toEqual({ value: { id } });
    expect(params({ id: id.toUpperCase() })).toEqual({ value: { id: id.toUpperCase() } });
    expect(params({ id: `urn:uuid:${id}` })).toMatchObject({
      error: { details: [{ path: '/params/id', message: 'must match format "uuid"' }] },
    });
  });

  it('refuses a lone surrogate in any string of any part, keys included, after the schema', () => {
    const body = validator.compile(apiRoutes.postMessage.schema.body, 'body');
    expect(body({ text: 'a\ud83d\ude00b' })).toEqual({ value: { text: 'a\ud83d\ude00b' } });
    for (const text of ['a\ud800', '\udfff', '\udc00\ud800']) {
      expect(body({ text })).toMatchObject({
        error: {
          code: 'SWY_ERR_VALIDATION',
          details: [{ path: '/body/text', message: ILL_FORMED }],
        },
      });
    }
    const frame = validator.compile(StreamClientFrameSchema, 'body');
    expect(frame(JSON.parse('{"type":"message","text":"x\\ud800"}'))).toMatchObject({
      error: { details: [{ path: '/body/text', message: ILL_FORMED }] },
    });
    const query = validator.compile(apiRoutes.listConversations.schema.querystring, 'query');
    expect(query({ cursor: 'c\ud800' })).toMatchObject({
      error: { details: [{ path: '/query/cursor', message: ILL_FORMED }] },
    });
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
