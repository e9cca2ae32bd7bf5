import type { FastifyPluginAsync, FastifyRequest, preParsingHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, RequestValidator, type RequestPart } from '@switchyard/api-spec';
import { refusedJsonBody } from '@switchyard/http-kit';

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's one RequestValidator; WebSocket frames are checked with it too. */
    readonly validator: RequestValidator;
  }
}

/** A TypeBox schema from the domain's route table. */
type Schema = Parameters<RequestValidator['compile']>[0];

const PARTS: Readonly<Record<string, RequestPart>> = {
  body: 'body',
  querystring: 'query',
  params: 'params',
};

/** A byte order mark before the JSON text (RFC 8259 §8.1: a parser may ignore it). */
const BOM = '\uFEFF';

/** A body is there when the request says so: chunked, or a Content-Length above 0. */
function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return (
    request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
  );
}

/**
 * Any JSON value parses (`"abc"` and `[]` reach validation, as with Express's
 * `strict: false`); an empty body is `undefined`, which fails validation like a missing one.
 * JSON.parse rather than Fastify's secure-json-parse: a `__proto__` key stays an own property,
 * which the schemas (`additionalProperties: false`) reject with the same 400 as in Express.
 */
function parseJson(
  _request: FastifyRequest,
  body: string,
  done: (error: Error | null, value?: unknown) => void,
) {
  if (body.length === 0) {
    done(null, undefined);
    return;
  }
  try {
    // A leading BOM is ignored, as body-parser (express-api) and Fastify's own parser do.
    done(null, JSON.parse(body.startsWith(BOM) ? body.slice(1) : body));
  } catch {
    done(new AppError('SWY_ERR_MALFORMED_JSON'));
  }
}

const validationPlugin: FastifyPluginAsync = async (app) => {
  const validator = new RequestValidator();
  app.decorate('validator', validator);

  // #region guide:validator-compiler
  // The domain's validator replaces Fastify's Ajv: the same 400 and `details` as Express, no
  // extra body fields dropped, no body types coerced. Fastify sets `request[part]` from
  // `{ value }` and hands `{ error }` (an AppError with its code) to the error handler.
  app.setValidatorCompiler<Schema>(({ schema, httpPart }) => {
    const part = httpPart === undefined ? undefined : PARTS[httpPart];
    if (part === undefined) throw new Error(`no validator for the ${String(httpPart)} part`);
    const validate = validator.compile(schema, part);
    return (data) => validate(data);
  });
  // #endregion guide:validator-compiler

  // Only application/json bodies (any charset): Fastify's text/plain parser goes, so every
  // other media type is a 415 (FST_ERR_CTP_INVALID_MEDIA_TYPE, mapped by the errors plugin).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parseJson);

  // Before the body is read, for the routes that take one: a charset other than UTF-8 or a
  // Content-Encoding other than identity is a 415, as in express-api (refusedJsonBody in
  // @switchyard/http-kit). Fastify alone would read latin1 as UTF-8 and gzip as JSON text.
  // A hook of those routes only (added as each is declared), so that a route without a body
  // schema, GET /v1/bots among them, runs no hook for it; synchronous work, so no promise.
  const refuseOtherCodings: preParsingHookHandler = (request, _reply, payload, done) => {
    done(hasBody(request) ? (refusedJsonBody(request.headers) ?? null) : null, payload);
  };
  app.addHook('onRoute', (route) => {
    if (route.schema?.body === undefined) return;
    route.preParsing = [refuseOtherCodings, ...[route.preParsing ?? []].flat()];
  });
};

export default fp(validationPlugin, { name: 'validation', fastify: '5.x' });
