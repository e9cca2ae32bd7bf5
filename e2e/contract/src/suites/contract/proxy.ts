import { get, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { SECRET_API_KEY } from '@switchyard/testing';
import { errorBody, expectError, type UsedEnvironment, type Account } from '../../support.js';
import { expectDocumented } from '../openapi-check.js';

/** GET /v1/proxy/:service/*: forwarding, upstream statuses and faults, paths that climb out. */
export function proxyCases(ctx: UsedEnvironment): void {
  const { api } = ctx;
  describe('GET /v1/proxy/:service/*', () => {
    let account: Account;
    beforeAll(async () => {
      account = await ctx.signUp();
    });

    it('forwards path and query to the configured service with its credentials, not the client token', async () => {
      ctx.env.upstream.requests.clear();
      const res = await api()
        .get('/v1/proxy/httpbin/get?x=1&y=two')
        .set(account.auth)
        .set('Accept', 'application/json');
      expect(res.status).toBe(200);
      expectDocumented('proxy', res);
      expect(res.body.args).toEqual({ x: '1', y: 'two' });
      expect(res.body.headers['x-api-key']).toBe(SECRET_API_KEY);
      expect(res.body.headers.authorization).toBeUndefined();
      const seen = ctx.env.upstream.requests.all();
      expect(seen).toHaveLength(1);
      expect(seen[0]!.url).toBe('/get?x=1&y=two');
      expect(seen[0]!.headers.authorization).toBeUndefined();
    });

    it("keeps the service's base path", async () => {
      const res = await api().get('/v1/proxy/nested/deeper/path?q=1').set(account.auth);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ method: 'GET' });
      expect(JSON.stringify(res.body)).toContain('/anything/base/deeper/path');
    });

    it("passes the upstream's own status through", async () => {
      const res = await api().get('/v1/proxy/httpbin/status/418').set(account.auth);
      expect(res.status).toBe(418);
      expectDocumented('proxy', res);
    });

    it('returns 404 SWY_ERR_PROXY_SERVICE_NOT_FOUND for a service that is not configured', async () => {
      const res = await api().get('/v1/proxy/elsewhere/get').set(account.auth);
      expectError('proxy', res, 404, 'SWY_ERR_PROXY_SERVICE_NOT_FOUND');
    });

    it('returns 504 SWY_ERR_UPSTREAM_TIMEOUT when the service does not answer in time', async () => {
      for (const path of ['/v1/proxy/httpbin/delay/3000', '/v1/proxy/httpbin/get?fault=hang']) {
        const res = await api().get(path).set(account.auth);
        expectError('proxy', res, 504, 'SWY_ERR_UPSTREAM_TIMEOUT');
      }
    });

    it('returns 502 SWY_ERR_UPSTREAM_UNAVAILABLE when the service refuses or resets', async () => {
      for (const path of ['/v1/proxy/down/get', '/v1/proxy/httpbin/get?fault=reset']) {
        const res = await api().get(path).set(account.auth);
        expectError('proxy', res, 502, 'SWY_ERR_UPSTREAM_UNAVAILABLE');
      }
    });

    it('refuses a path that climbs out of the service, and nothing reaches the upstream', async () => {
      ctx.env.upstream.requests.clear();
      for (const path of [
        '/v1/proxy/nested/..%2F..%2Fget',
        '/v1/proxy/nested/%2e%2e/%2e%2e/get',
        '/v1/proxy/httpbin/a%5C..%5Cb',
      ]) {
        const res = await api().get(path).set(account.auth);
        expect(res.status, path).toBe(400);
        expect(res.body.error.code).toBe('SWY_ERR_VALIDATION');
        expectDocumented('proxy', res);
      }
      expect(ctx.env.upstream.requests.all()).toEqual([]);
    });

    it("passes the upstream's Content-Encoding and bytes through untouched (no app inflates gzip)", async () => {
      const res = await rawGet(`${ctx.env.app.url}/v1/proxy/httpbin/gzip`, {
        ...account.auth,
        'accept-encoding': 'gzip',
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBe('gzip');
      expect(res.headers['content-length']).toBe(String(res.body.length));
      expect(JSON.parse(gunzipSync(res.body).toString('utf8'))).toEqual({
        gzipped: true,
        method: 'GET',
      });
    });

    it("passes back the same response headers in every app: the upstream's Content-Type and Content-Length, none of its own others", async () => {
      const bytes = await rawGet(`${ctx.env.app.url}/v1/proxy/httpbin/bytes/10`, account.auth);
      expect(bytes.status).toBe(200);
      expect(bytes.headers['content-type']).toBe('application/octet-stream');
      expect(bytes.headers['content-length']).toBe('10');
      expect(bytes.headers['transfer-encoding']).toBeUndefined();
      expect(bytes.body.length).toBe(10);
      // The stand-in marks a faulted answer with x-upstream-fault: not a header the proxy passes.
      const faulted = await rawGet(
        `${ctx.env.app.url}/v1/proxy/httpbin/get?fault=5xx&status=503`,
        account.auth,
      );
      expect(faulted.status).toBe(503);
      expect(faulted.headers['x-upstream-fault']).toBeUndefined();
      expect(faulted.headers['content-type']).toMatch(/^application\/json/);
    });

    it('requires a token', async () => {
      const res = await api().get('/v1/proxy/httpbin/get');
      expect(res.status).toBe(401);
      expect(res.body).toEqual(errorBody('SWY_ERR_AUTH_REQUIRED'));
    });
  });
}

/** A GET whose body is read as bytes, never decoded: what a client that asked for gzip gets. */
function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { headers, timeout: 5_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', reject);
  });
}
