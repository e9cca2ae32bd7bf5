import diff from 'microdiff';
import { redactValue } from './redact.js';

/** One answer as the shadow compares it. */
export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, unknown>>;
  /** The body as sent; undefined for a HEAD. */
  readonly body: string | undefined;
}

/** One difference: where, and what each side answered there (a side that has nothing: no key). */
export interface Difference {
  readonly path: string;
  readonly express?: unknown;
  readonly fastify?: unknown;
}

// #region guide:shadow-compare
/**
 * The response headers compared: the ones a client acts on. Not the request id (the shadow
 * sends the client's, so it would match by construction), the security headers (the bridge's
 * own onRequest hooks set them for both sides), the date or the length (the body is compared).
 */
export const COMPARED_HEADERS = [
  'content-type',
  'cache-control',
  'allow',
  'location',
  'retry-after',
  'www-authenticate',
  'content-encoding',
  'content-language',
  'vary',
] as const;

/**
 * Body keys whose values differ between two runs of one read, replaced on both sides before the
 * diff: per-request values (a request or trace id, the server's clock). This API's reads carry
 * none today; ids and timestamps that come from the database (`id`, `createdAt`, `updatedAt`)
 * are the same row read twice, so they are compared, and a difference there is a real one.
 */
export const VOLATILE_KEYS = /^(requestId|traceId|spanId|now|serverTime|generatedAt)$/;
// #endregion guide:shadow-compare

const NORMALISED = '<normalised>';

function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [
      key,
      VOLATILE_KEYS.test(key) ? NORMALISED : normalise(v),
    ]),
  );
}

function headerValue(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

function jsonOf(body: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(body) as unknown };
  } catch {
    return undefined;
  }
}

/** `body.bots[0].name` from microdiff's path. */
function pathName(path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (name, part) =>
      typeof part === 'number'
        ? `${name}[${part}]`
        : /^[A-Za-z_$][\w$]*$/.test(part)
          ? `${name}.${part}`
          : `${name}[${JSON.stringify(part)}]`,
    'body',
  );
}

function bodyDifferences(express: string, fastify: string): Difference[] {
  const [a, b] = [jsonOf(express), jsonOf(fastify)];
  if (a && b) {
    const [left, right] = [normalise(a.value), normalise(b.value)];
    // microdiff compares objects and arrays; a JSON scalar at the top is compared here.
    if (left === null || right === null || typeof left !== 'object' || typeof right !== 'object') {
      return Object.is(left, right) ? [] : [{ path: 'body', express: left, fastify: right }];
    }
    return diff(left as Record<string, unknown>, right as Record<string, unknown>).map((d) => {
      const key = d.path[d.path.length - 1];
      const side = (value: unknown) => redactValue(value, key);
      const path = pathName(d.path);
      if (d.type === 'CREATE') return { path, fastify: side(d.value) };
      if (d.type === 'REMOVE') return { path, express: side(d.oldValue) };
      return { path, express: side(d.oldValue), fastify: side(d.value) };
    });
  }
  return express === fastify ? [] : [{ path: 'body', express, fastify }].map(redactSides);
}

function redactSides(d: Difference): Difference {
  return { path: d.path, express: redactValue(d.express), fastify: redactValue(d.fastify) };
}

/**
 * Every difference between Express's answer and Fastify's: the status, the compared headers,
 * and the body (as JSON after the normaliser when both are JSON, else as text), each value
 * redacted for the log. Empty: they agree.
 */
export function compareAnswers(express: Answer, fastify: Answer): Difference[] {
  const out: Difference[] = [];
  if (express.status !== fastify.status) {
    out.push({ path: 'status', express: express.status, fastify: fastify.status });
  }
  for (const name of COMPARED_HEADERS) {
    const [a, b] = [headerValue(express.headers[name]), headerValue(fastify.headers[name])];
    if (a === b) continue;
    out.push({
      path: `headers.${name}`,
      ...(a === undefined ? {} : { express: redactValue(a, name) }),
      ...(b === undefined ? {} : { fastify: redactValue(b, name) }),
    });
  }
  if (express.body !== undefined && fastify.body !== undefined) {
    out.push(...bodyDifferences(express.body, fastify.body));
  }
  return out;
}
