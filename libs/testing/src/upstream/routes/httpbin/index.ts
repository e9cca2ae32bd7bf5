import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { UpstreamError, UpstreamErrorCode } from '../../lib/errors.js';
import { MAX_WAIT_MS } from '../../lib/overrides.js';
import { pause } from '../../lib/pause.js';
import {
  AnythingEchoSchema,
  BytesParamsSchema,
  BytesQuerySchema,
  MAX_BYTES,
  commonErrorResponses,
  DelayParamsSchema,
  DelaySchema,
  GetEchoSchema,
  PostEchoSchema,
  RedirectQuerySchema,
  StatusParamsSchema,
} from '../../schemas.js';

/** One piece of a streamed `/bytes/:n`. */
const PIECE = 64 * 1024;

/** `n` bytes of `x` in 64 KiB pieces, made as the reader asks for them: nothing is held. */
function bytes(n: number): Readable {
  let left = n;
  const piece = Buffer.alloc(PIECE, 'x');
  return new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const size = Math.min(left, PIECE);
      left -= size;
      this.push(size === PIECE ? piece : piece.subarray(0, size));
    },
  });
}

/** Statuses whose responses never carry a body (RFC 9110 §6.4.1). */
const BODILESS = new Set([204, 304]);

function args(request: FastifyRequest): Record<string, unknown> {
  return request.query as Record<string, unknown>;
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** httpbin-style echo and control routes: what the proxy forwards, exactly as it arrived. */
const httpbinRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/get',
    { schema: { response: { 200: GetEchoSchema, ...commonErrorResponses } } },
    (request) => ({
      args: args(request),
      headers: request.headers,
      url: request.url,
      method: request.method,
    }),
  );

  app.post(
    '/post',
    { schema: { response: { 200: PostEchoSchema, ...commonErrorResponses } } },
    (request) => ({
      json: request.body ?? null,
      args: args(request),
      headers: request.headers,
      url: request.url,
    }),
  );

  // /anything accepts any method and any content type, so a proxy test can send what it likes.
  await app.register(async (anything) => {
    anything.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
      done(null, body);
    });
    const options = { schema: { response: { 200: AnythingEchoSchema, ...commonErrorResponses } } };
    const echo = (request: FastifyRequest) => ({
      method: request.method,
      path: pathOf(request.url),
      url: request.url,
      args: args(request),
      headers: request.headers,
      body: request.body ?? null,
    });
    anything.all('/anything', options, echo);
    anything.all('/anything/*', options, echo);
  });

  app.get<{ Params: { ms: string } }>(
    '/delay/:ms',
    {
      schema: {
        params: DelayParamsSchema,
        response: { 200: DelaySchema, ...commonErrorResponses },
      },
    },
    async (request, reply) => {
      const delayedMs = Math.min(Number(request.params.ms), MAX_WAIT_MS);
      if (!(await pause(reply.raw, delayedMs))) return reply.hijack();
      return { delayedMs };
    },
  );

  // No response schema: the caller picks the status, so no single status can pick the shape.
  app.get<{ Params: { code: string } }>(
    '/status/:code',
    { schema: { params: StatusParamsSchema } },
    async (request, reply) => {
      const status = Number(request.params.code);
      reply.code(status);
      return BODILESS.has(status) ? reply.send() : { status };
    },
  );

  // httpbin's /bytes/:n: a body of a chosen size, with its Content-Length or (`?stream=1`)
  // without one, for the gateway's response-size bound.
  app.get<{ Params: { n: string }; Querystring: { stream?: '1' } }>(
    '/bytes/:n',
    { schema: { params: BytesParamsSchema, querystring: BytesQuerySchema } },
    async (request, reply) => {
      const n = Number(request.params.n);
      if (n > MAX_BYTES) {
        throw new UpstreamError(UpstreamErrorCode.BAD_REQUEST, `n must be at most ${MAX_BYTES}`);
      }
      reply.type('application/octet-stream');
      if (request.query.stream !== '1') reply.header('content-length', n);
      return reply.send(bytes(n));
    },
  );

  // httpbin's /gzip: a gzip-encoded JSON body whatever the request asked, so that a test can
  // see what a proxy does with Content-Encoding.
  app.get('/gzip', async (request, reply) => {
    const body = gzipSync(JSON.stringify({ gzipped: true, method: request.method }));
    return reply
      .type('application/json')
      .header('content-encoding', 'gzip')
      .header('content-length', body.length)
      .send(body);
  });

  // httpbin's /redirect-to: a 3xx whose Location is whatever the caller asks, so that a test
  // can point a proxied request at an address the proxy must never reach.
  app.get<{ Querystring: { url: string; status?: string } }>(
    '/redirect-to',
    { schema: { querystring: RedirectQuerySchema } },
    async (request, reply) => {
      const status = Number(request.query.status ?? '302');
      return reply.code(status).header('location', request.query.url).send({ status });
    },
  );
};

export default httpbinRoutes;
