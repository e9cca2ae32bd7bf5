import { STATUS_CODES } from 'node:http';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { contentFaultBody, contentKindOf, DEFAULT_FAULT_BYTES } from '../lib/content-faults.js';
import { UpstreamErrorCode } from '../lib/errors.js';
import type { FaultSwitch } from '../lib/fault-switch.js';
import { FAULT_HEADER, NO_OVERRIDES, parseOverrides, type Overrides } from '../lib/overrides.js';
import { PacedReadable, slice } from '../lib/paced-readable.js';
import { pause } from '../lib/pause.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for `fault=slow`: how long the body should take to deliver, in ms. */
    upstreamSlowMs: number | null;
  }
  interface FastifyContextConfig {
    /** Routes that wait the server's default `latencyMs` when the request sets none. */
    readonly upstreamDefaultLatency?: boolean;
  }
}

export interface FaultsPluginOptions {
  readonly latencyMs: number;
  /** The standing fault, if any, and the count of responses held open by faults. */
  readonly faults: FaultSwitch;
  /** false: `latency=`, `fault=` and `x-upstream-fault` are ignored (a public stand-in). */
  readonly overrides?: boolean;
}

/** Pieces a slowed body is cut into. */
const SLOW_PIECES = 10;

/** Stops Fastify from answering: the socket is gone or will never get a reply. */
function abandon(reply: FastifyReply): FastifyReply {
  reply.hijack();
  return reply;
}

const faultsPlugin: FastifyPluginAsync<FaultsPluginOptions> = async (
  app,
  { latencyMs, faults, overrides: honoured = true },
) => {
  app.decorateRequest('upstreamSlowMs', null);

  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config;
    if (config.upstreamControl === true) return;

    // Throws SWY_ERR_STANDIN_BAD_REQUEST, which the error handler turns into a 400.
    const asked: Overrides = honoured
      ? parseOverrides(request.query as Record<string, unknown>, request.headers)
      : NO_OVERRIDES;
    const overrides = asked === NO_OVERRIDES ? (faults.standing ?? asked) : asked;
    const wait = overrides.latencyMs ?? (config.upstreamDefaultLatency === true ? latencyMs : 0);
    if (wait > 0 && !(await pause(reply.raw, wait))) return abandon(reply);

    switch (overrides.fault) {
      case undefined:
        return;
      case 'hang':
        // Nothing is kept but the socket: it goes when the client leaves or the server closes
        // (forceCloseConnections), and no timer or promise waits on it.
        faults.hold(reply.raw);
        return abandon(reply);
      case 'reset':
        abandon(reply);
        request.raw.socket.resetAndDestroy();
        return reply;
      case 'close':
        return reply.code(200).header('connection', 'close').header(FAULT_HEADER, 'close').send();
      case '5xx':
        return reply
          .code(overrides.status)
          .header(FAULT_HEADER, '5xx')
          .send({
            statusCode: overrides.status,
            code: UpstreamErrorCode.INJECTED_FAULT,
            error: STATUS_CODES[overrides.status] ?? 'Server Error',
            message: `injected fault: ${overrides.status}`,
          });
      case 'slow':
        request.upstreamSlowMs = overrides.slowMs;
        faults.hold(reply.raw);
        reply.header(FAULT_HEADER, 'slow');
        return;
      case 'huge':
      case 'wordy':
      case 'longline':
      case 'drip':
      case 'nul': {
        // Answered here, in the shape of the route: the route's own answer is not the fault.
        const kind = contentKindOf(request.url);
        if (kind === undefined) return;
        const { body, type } = contentFaultBody(
          overrides.fault,
          kind,
          overrides.bytes ?? DEFAULT_FAULT_BYTES,
        );
        if (overrides.fault === 'drip') faults.hold(reply.raw);
        return reply.code(200).type(type).header(FAULT_HEADER, overrides.fault).send(body);
      }
    }
  });

  // A streamed payload paces itself (see /model/stream); a buffered one is cut into pieces
  // sent over `slowMs`, with its full Content-Length announced up front like a slow server.
  app.addHook('onSend', async (request, reply, payload) => {
    const slowMs = request.upstreamSlowMs;
    if (slowMs === null || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) {
      return payload;
    }
    const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
    const pieces = slice(body, SLOW_PIECES);
    if (pieces.length < 2) return payload;
    reply.header('content-length', body.length);
    return new PacedReadable(pieces, slowMs / (pieces.length - 1));
  });
};

export default fp(faultsPlugin, {
  name: 'upstream-faults',
  fastify: '5.x',
  dependencies: ['upstream-request-log'],
});
