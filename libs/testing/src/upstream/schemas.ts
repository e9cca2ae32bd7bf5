import { Type, type Static } from 'typebox';

/*
 * The stand-in's own wire format. It is not the gateway's API, so it lives here rather than in
 * libs/domain. Bodies are validated without type coercion (see app.ts), so path parameters are
 * strings whose pattern states the allowed range exactly.
 */

export const ErrorSchema = Type.Object({
  statusCode: Type.Integer(),
  code: Type.String(),
  error: Type.String(),
  message: Type.String(),
});
export type ErrorBody = Static<typeof ErrorSchema>;

const HeadersSchema = Type.Record(
  Type.String(),
  Type.Union([Type.String(), Type.Array(Type.String())]),
);
const ArgsSchema = Type.Record(Type.String(), Type.Unknown());

export const GetEchoSchema = Type.Object({
  args: ArgsSchema,
  headers: HeadersSchema,
  url: Type.String(),
  method: Type.String(),
});
export type GetEcho = Static<typeof GetEchoSchema>;

export const PostEchoSchema = Type.Object({
  json: Type.Unknown(),
  args: ArgsSchema,
  headers: HeadersSchema,
  url: Type.String(),
});
export type PostEcho = Static<typeof PostEchoSchema>;

export const AnythingEchoSchema = Type.Object({
  method: Type.String(),
  path: Type.String(),
  url: Type.String(),
  args: ArgsSchema,
  headers: HeadersSchema,
  /** Parsed JSON, the raw text of any other content type, or null without a body. */
  body: Type.Unknown(),
});
export type AnythingEcho = Static<typeof AnythingEchoSchema>;

export const DelayParamsSchema = Type.Object({
  ms: Type.String({ pattern: '^[0-9]{1,9}$' }),
});
export const DelaySchema = Type.Object({ delayedMs: Type.Integer() });

/**
 * 200 to 599. A 1xx cannot be a final response: Node would send it as one and every client would
 * then wait for a final response that never comes.
 */
export const RedirectQuerySchema = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2048 }),
    status: Type.Optional(Type.String({ pattern: '^3(0[1-378])$' })),
  },
  { additionalProperties: false },
);

/** Up to 1 GiB: enough to pass any PROXY_MAX_RESPONSE_BYTES the gateway allows. */
export const MAX_BYTES = 1024 * 1024 * 1024;
export const BytesParamsSchema = Type.Object({ n: Type.String({ pattern: '^[0-9]{1,10}$' }) });
export const BytesQuerySchema = Type.Object({
  /** `1`: no Content-Length, the body streamed in 64 KiB pieces. */
  stream: Type.Optional(Type.Literal('1')),
});

export const StatusParamsSchema = Type.Object({
  code: Type.String({ pattern: '^[2-5][0-9]{2}$' }),
});

export const CompletionRequestSchema = Type.Object({
  prompt: Type.String({ minLength: 1, maxLength: 10_000 }),
  maxTokens: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
});
export type CompletionRequest = Static<typeof CompletionRequestSchema>;

export const CompletionSchema = Type.Object({
  model: Type.String(),
  completion: Type.String(),
  tokens: Type.Integer(),
});

export const SourceParamsSchema = Type.Object({
  id: Type.String({ pattern: '^[0-9]{1,4}$' }),
});
export const SourceQuerySchema = Type.Object({
  q: Type.String({ minLength: 1, maxLength: 2_000 }),
});
export const SourceAnswerSchema = Type.Object({
  source: Type.String(),
  answer: Type.String(),
  confidence: Type.Number({ minimum: 0, maximum: 1 }),
});

export const RequestRecordSchema = Type.Object({
  id: Type.Integer(),
  time: Type.Number(),
  method: Type.String(),
  url: Type.String(),
  headers: HeadersSchema,
  remoteAddress: Type.Optional(Type.String()),
  remotePort: Type.Optional(Type.Integer()),
});
export const RequestLogSchema = Type.Object({
  count: Type.Integer(),
  total: Type.Integer(),
  requests: Type.Array(RequestRecordSchema),
});
export type RequestLogBody = Static<typeof RequestLogSchema>;
export const ClearedSchema = Type.Object({ cleared: Type.Integer() });

/** Errors any route can answer with: a bad override (400) or an injected 5xx fault. */
export const commonErrorResponses = {
  400: ErrorSchema,
  '5xx': ErrorSchema,
} as const;
