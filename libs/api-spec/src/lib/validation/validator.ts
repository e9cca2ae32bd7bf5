import AjvModule, { type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TSchema } from 'typebox';
import { AppError, type ErrorDetail } from '../errors/index.js';
import { UUID_PATTERN } from '../schemas/common.schema.js';
import { illFormedPaths } from './well-formed.js';

// ajv and ajv-formats are CommonJS. Node's ESM loader cannot see `Ajv` as a named export
// (tsx and bundlers can, which hides the bug until the built package runs in plain Node), and a
// default import gives module.exports: for ajv that is the class, which also carries `.default`.
const Ajv = AjvModule.default;
type Ajv = InstanceType<typeof Ajv>;
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** Where a value came from; it prefixes every error path (`/body/username`). */
export type RequestPart = 'body' | 'query' | 'params';

export type Validate<T = unknown> = (data: unknown) => { value: T } | { error: AppError };

const base: Options = {
  allErrors: true,
  // Extra fields are an error, never silently dropped (Fastify's default would drop them).
  removeAdditional: false,
  useDefaults: true,
  strict: false,
};

/**
 * Both apps validate with these two Ajv instances, so the same input gets the same 400 and the
 * same `details` in each. Query strings and path parameters arrive as text and are coerced
 * (`?limit=5` → 5); bodies are JSON and are not (`{"text": 5}` is a 400, not "5").
 */
function createAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({ ...base, coerceTypes: coerce });
  addFormats(ajv, ['date-time', 'uri']);
  ajv.addFormat('uuid', new RegExp(UUID_PATTERN));
  return ajv;
}

function detailOf(part: RequestPart, error: ErrorObject): ErrorDetail {
  let path = `/${part}${error.instancePath}`;
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') path += `/${String(params['missingProperty'])}`;
  if (error.keyword === 'additionalProperties') path += `/${String(params['additionalProperty'])}`;
  const message =
    error.keyword === 'additionalProperties' ? 'is not allowed' : (error.message ?? 'is not valid');
  return { path, message };
}

export function detailsOf(
  part: RequestPart,
  errors: readonly ErrorObject[] | null | undefined,
): ErrorDetail[] {
  const seen = new Set<string>();
  const out: ErrorDetail[] = [];
  for (const error of errors ?? []) {
    // Unions report one error per branch; keep the first message per path.
    const detail = detailOf(part, error);
    if (seen.has(detail.path)) continue;
    seen.add(detail.path);
    out.push(detail);
  }
  return out;
}

/** The detail of a string with a lone surrogate. */
export const ILL_FORMED = 'must be well-formed Unicode (no lone surrogates)';

export class RequestValidator {
  readonly #ajv = { text: createAjv(true), json: createAjv(false) };
  readonly #compiled = {
    text: new WeakMap<object, ValidateFunction>(),
    json: new WeakMap<object, ValidateFunction>(),
  };

  /** Compiles once per schema and kind of part; returns a function to call per request. */
  compile<T = unknown>(schema: TSchema, part: RequestPart): Validate<T> {
    const kind = part === 'body' ? 'json' : 'text';
    let validate = this.#compiled[kind].get(schema);
    if (!validate) {
      validate = this.#ajv[kind].compile(schema);
      this.#compiled[kind].set(schema, validate);
    }
    const check = validate;
    return (data) => {
      if (!check(data)) {
        return {
          error: new AppError('SWY_ERR_VALIDATION', { details: detailsOf(part, check.errors) }),
        };
      }
      // JSON.parse turns "\ud800" into a lone surrogate, which no schema keyword sees and which
      // would be stored as U+FFFD: refused here, after parsing, for every part and every app.
      const illFormed = illFormedPaths(data);
      if (illFormed.length > 0) {
        const details = illFormed.map((path) => ({ path: `/${part}${path}`, message: ILL_FORMED }));
        return { error: new AppError('SWY_ERR_VALIDATION', { details }) };
      }
      return { value: data as T };
    };
  }
}
