import type {
  ApiRoute,
  RequestPart,
  RequestValidator,
  RoutePart,
  Validate,
} from '@switchyard/api-spec';
import type { Request, RequestHandler, Response } from 'express';

/** The checked (coerced, defaulted) request parts of a route, typed from its schemas. */
export interface Validated<R extends ApiRoute> {
  readonly params: RoutePart<R, 'params'>;
  readonly query: RoutePart<R, 'querystring'>;
  readonly body: RoutePart<R, 'body'>;
}

export interface ValidateOptions {
  /** Builds the params to check when Express names them differently (the proxy's `*`). */
  readonly params?: (req: Request) => Record<string, unknown>;
}

type Check = readonly [part: RequestPart, validate: Validate, read: (req: Request) => unknown];

/**
 * `validate(route)` for one app's RequestValidator. The result goes to `res.locals.input`:
 * Express 5's `req.query` is a getter that parses the URL again on every read, so coerced
 * values could not be stored there.
 */
export function validation(validator: RequestValidator) {
  return function validate(route: ApiRoute, options: ValidateOptions = {}): RequestHandler {
    const { params, querystring, body } = route.schema;
    // Fastify's order (params, body, query string), so the same request gets the same 400.
    const checks: Check[] = [];
    if (params) {
      checks.push([
        'params',
        validator.compile(params, 'params'),
        options.params ?? ((req) => ({ ...req.params })),
      ]);
    }
    if (body) checks.push(['body', validator.compile(body, 'body'), (req) => req.body]);
    if (querystring) {
      checks.push(['query', validator.compile(querystring, 'query'), (req) => ({ ...req.query })]);
    }
    // #region guide:validate
    return function validate(req, res, next) {
      const input: Partial<Record<RequestPart, unknown>> = {};
      for (const [part, check, read] of checks) {
        const result = check(read(req));
        if ('error' in result) throw result.error;
        input[part] = result.value;
      }
      res.locals['input'] = input;
      next();
    };
    // #endregion guide:validate
  };
}

/** What `validate(route)` stored for this request, typed from the same route. */
export function validated<R extends ApiRoute>(res: Response, _route: R): Validated<R> {
  const input = res.locals['input'] as Validated<R> | undefined;
  if (!input) throw new Error('validated(): the route has no validate middleware');
  return input;
}
