import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, RequestValidator, type RequestPart } from '@switchyard/api-spec';

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
    done(null, JSON.parse(body));
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
};

export default fp(validationPlugin, { name: 'validation', fastify: '5.x' });
