import type { TSchema, TSchemaOptions } from 'typebox';
import { errorCatalog } from '../errors/index.js';
import { apiRoutes, type ApiRoute } from './routes.js';

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: {
    title: string;
    version: string;
    description: string;
    license: { name: string; identifier: string };
  };
  servers: Array<{ url: string; description: string }>;
  tags: Array<{ name: string; description: string }>;
  components: Record<string, unknown>;
  paths: Record<string, Record<string, unknown>>;
}

/** A parameter's schema: TypeBox 1.x's TSchema names no keyword, so the ones read here. */
type ParameterSchema = TSchema & Pick<TSchemaOptions, 'description'>;

/** `/v1/bots/:botId/messages` → `/v1/bots/{botId}/messages`; the proxy's `*` → `{path}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, '{$1}').replace(/\*$/, '{path}');
}

/** TypeBox keeps its own keys on a schema (1.x: `~kind`, not enumerable); OpenAPI wants plain JSON. */
function plain(schema: TSchema): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}

const STATUS_TEXT: Record<number, string> = {
  101: 'Switching Protocols',
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Bad Request (SWY_ERR_VALIDATION, SWY_ERR_MALFORMED_JSON, SWY_ERR_INVALID_CURSOR)',
  401: 'Unauthorized',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

function describeStatus(status: number): string {
  const codes = Object.entries(errorCatalog)
    .filter(([, entry]) => entry.status === status)
    .map(([code]) => code);
  const text = STATUS_TEXT[status] ?? String(status);
  return status >= 400 && !text.includes('SWY_') ? `${text} (${codes.join(', ')})` : text;
}

function parameters(route: ApiRoute): unknown[] {
  const out: unknown[] = [];
  const params = route.schema.params as
    { properties?: Record<string, ParameterSchema> } | undefined;
  for (const [name, schema] of Object.entries(params?.properties ?? {})) {
    out.push({
      name: name === '*' ? 'path' : name,
      in: 'path',
      required: true,
      schema: plain(schema),
    });
  }
  const query = route.schema.querystring as
    { properties?: Record<string, ParameterSchema>; required?: string[] } | undefined;
  for (const [name, schema] of Object.entries(query?.properties ?? {})) {
    out.push({
      name,
      in: 'query',
      required: query?.required?.includes(name) ?? false,
      schema: plain(schema),
    });
  }
  const headers = route.schema.headers as
    { properties?: Record<string, ParameterSchema>; required?: string[] } | undefined;
  for (const [name, schema] of Object.entries(headers?.properties ?? {})) {
    out.push({
      name: name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase()),
      in: 'header',
      required: headers?.required?.includes(name) ?? false,
      schema: plain(schema),
      ...(schema.description ? { description: schema.description } : {}),
    });
  }
  return out;
}

function operation(route: ApiRoute): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, schema] of Object.entries(route.schema.response)) {
    const code = Number(status);
    const noBody = code === 101 || code === 204;
    responses[status] = noBody
      ? { description: describeStatus(code) }
      : {
          description: describeStatus(code),
          content: { 'application/json': { schema: plain(schema) } },
        };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    ...(route.auth ? { security: [{ bearerAuth: [] }] } : { security: [] }),
    parameters: parameters(route),
    ...(route.schema.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: plain(route.schema.body) } },
          },
        }
      : {}),
    responses,
  };
}

/** The OpenAPI 3 document both apps serve at /docs/json: the same bytes from each. */
export function buildOpenApiDocument(): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const route of Object.values(apiRoutes) as ApiRoute[]) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Switchyard chatbot gateway',
      version: '1.0.0',
      description:
        'One API served by two apps: blocking-style Express 5 and async Fastify 5. Errors use one envelope; see docs/errors.md.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    // Relative: the document is served by the app it describes, on whatever host and port.
    servers: [{ url: '/', description: 'The app serving this document' }],
    tags: [
      { name: 'health', description: 'Liveness and readiness' },
      { name: 'accounts', description: 'Accounts and sessions' },
      { name: 'bots', description: 'Bots addressed by id' },
      { name: 'conversations', description: 'Stored conversations, paged by cursor' },
      { name: 'proxy', description: 'Named upstream services' },
      { name: 'stream', description: 'Streaming replies over WebSocket' },
    ],
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
    },
    paths,
  };
}
