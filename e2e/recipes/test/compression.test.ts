// docs/recipes/bodies.md#compression: `compression` and `@fastify/compress` with their defaults,
// read with node:http so that the bytes on the wire are seen as sent (supertest decodes them).
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpRequest } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { compressionRecipe, LARGE } from '../src/bodies/compression.js';

const served = await servePair(compressionRecipe);
afterAll(() => served.close());

interface RawAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

function fetchRaw(base: string, path: string, acceptEncoding?: string): Promise<RawAnswer> {
  const headers = acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding };
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const largeJson = JSON.stringify(LARGE);

describe.each(served.sides)('compression on $name', ({ url }) => {
  it('gzips a large JSON answer for gzip and uses brotli when the client lists br', async () => {
    const gzip = await fetchRaw(url, '/items', 'gzip');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).toString()).toBe(largeJson);
    for (const accept of ['br', 'gzip, deflate, br']) {
      const br = await fetchRaw(url, '/items', accept);
      expect(br.headers['content-encoding'], accept).toBe('br');
      expect(brotliDecompressSync(br.body).toString(), accept).toBe(largeJson);
    }
  });

  it('honours q-values: br;q=0.5, gzip gets gzip', async () => {
    const res = await fetchRaw(url, '/items', 'br;q=0.5, gzip');
    expect(res.headers['content-encoding']).toBe('gzip');
  });

  it('sends the body as it is without Accept-Encoding, for identity and for an unknown coding', async () => {
    for (const accept of [undefined, 'identity', 'zstd']) {
      const res = await fetchRaw(url, '/items', accept);
      expect(res.headers['content-encoding'], String(accept)).toBeUndefined();
      expect(res.body.toString(), String(accept)).toBe(largeJson);
    }
  });

  it('leaves an answer under 1 kB and an image uncompressed, and compresses text/csv', async () => {
    expect((await fetchRaw(url, '/small', 'gzip')).headers['content-encoding']).toBeUndefined();
    expect((await fetchRaw(url, '/logo.png', 'gzip')).headers['content-encoding']).toBeUndefined();
    expect((await fetchRaw(url, '/report.csv', 'gzip')).headers['content-encoding']).toBe('gzip');
  });

  it('says Vary: Accept-Encoding on a compressed answer', async () => {
    const res = await fetchRaw(url, '/items', 'gzip');
    expect(String(res.headers['vary']).toLowerCase()).toBe('accept-encoding');
  });
});

describe('where compression and @fastify/compress differ', () => {
  it('Vary on an uncompressed answer: compression always adds it, the plugin only when it compresses', async () => {
    for (const [path, accept] of [
      ['/items', undefined],
      ['/small', 'gzip'],
    ] as const) {
      const fromExpress = await fetchRaw(served.express.url, path, accept);
      expect(fromExpress.headers['vary'], path).toBe('Accept-Encoding');
      const fromFastify = await fetchRaw(served.fastify.url, path, accept);
      expect(fromFastify.headers['vary'], path).toBeUndefined();
    }
  });

  it('framing: compression streams the answer chunked, the plugin sends Content-Length', async () => {
    const fromExpress = await fetchRaw(served.express.url, '/items', 'gzip');
    expect(fromExpress.headers['transfer-encoding']).toBe('chunked');
    expect(fromExpress.headers['content-length']).toBeUndefined();
    const fromFastify = await fetchRaw(served.fastify.url, '/items', 'gzip');
    expect(fromFastify.headers['transfer-encoding']).toBeUndefined();
    expect(Number(fromFastify.headers['content-length'])).toBe(fromFastify.body.length);
  });

  it('Accept-Encoding: * gets br from compression, gzip from the plugin', async () => {
    expect((await fetchRaw(served.express.url, '/items', '*')).headers['content-encoding']).toBe(
      'br',
    );
    expect((await fetchRaw(served.fastify.url, '/items', '*')).headers['content-encoding']).toBe(
      'gzip',
    );
  });
});
