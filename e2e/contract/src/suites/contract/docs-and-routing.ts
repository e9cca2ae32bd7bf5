import { buildOpenApiDocument } from '@switchyard/api-spec';
import type { Response } from 'supertest';
import { describe, expect, it } from 'vitest';
import { errorBody, type UsedEnvironment } from '../../support.js';

/** The OpenAPI document and Swagger UI, unknown routes (404) and methods (405). */
export function docsAndRoutingCases(ctx: UsedEnvironment): void {
  const { api } = ctx;
  describe('OpenAPI and unknown routes', () => {
    it('GET /docs/json serves the shared OpenAPI document', async () => {
      const res = await api().get('/docs/json');
      expect(res.status).toBe(200);
      expect(res.body).toEqual(buildOpenApiDocument());
    });

    it('GET /docs serves Swagger UI', async () => {
      const res = await api().get('/docs').redirects(2);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toMatch(/swagger/i);
    });

    it.each([
      ['GET', '/nope'],
      ['GET', '/v1/nope'],
      ['POST', '/v1/conversations/abc'],
    ])('%s %s is 404 SWY_ERR_NOT_FOUND, token or not', async (method, path) => {
      const res: Response = await api()[method.toLowerCase() as 'get' | 'post'](path);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(errorBody('SWY_ERR_NOT_FOUND'));
    });

    it('routes are case-sensitive and ignore one trailing slash', async () => {
      expect((await api().get('/HEALTH')).status).toBe(404);
      const slash = await api().get('/health/');
      expect(slash.status).toBe(200);
      expect(slash.body).toEqual({ status: 'ok' });
    });

    it('answers 404, not 405, for the proxy with no path below the service', async () => {
      const res = await api().get('/v1/proxy/httpbin/');
      expect(res.status).toBe(404);
    });

    it.each([
      ['PUT', '/v1/accounts', 'POST'],
      ['DELETE', '/v1/bots', 'GET, HEAD'],
      ['PATCH', '/health', 'GET, HEAD'],
    ])('%s %s is 405 with Allow: %s', async (method, path, allow) => {
      const res: Response = await api()[method.toLowerCase() as 'put' | 'delete' | 'patch'](path);
      expect(res.status).toBe(405);
      expect(res.headers['allow']).toBe(allow);
      expect(res.body).toEqual(errorBody('SWY_ERR_METHOD_NOT_ALLOWED'));
    });
  });
}
