import { Type, type Static } from '@sinclair/typebox';

export const BOT_ID_PATTERN = '^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$';

export const ErrorDetailSchema = Type.Object(
  {
    path: Type.String({ description: 'JSON pointer into the request, e.g. /body/username' }),
    message: Type.String(),
  },
  { additionalProperties: false },
);

export const ErrorEnvelopeSchema = Type.Object(
  {
    error: Type.Object(
      {
        code: Type.String({ description: 'Stable code, see docs/errors.md', pattern: '^SWY_ERR_' }),
        message: Type.String(),
        details: Type.Optional(Type.Array(ErrorDetailSchema)),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, title: 'ErrorEnvelope' },
);
export type ErrorEnvelopeBody = Static<typeof ErrorEnvelopeSchema>;

export const UuidSchema = Type.String({ format: 'uuid' });
export const TimestampSchema = Type.String({ format: 'date-time' });

export const HealthSchema = Type.Object(
  { status: Type.Literal('ok') },
  { additionalProperties: false },
);
export const ReadySchema = Type.Object(
  {
    status: Type.Literal('ready'),
    database: Type.Union([Type.Literal('postgres'), Type.Literal('pglite')]),
  },
  { additionalProperties: false },
);

/** Items per page when a request names no `limit`: the schema's default, and the one source. */
export const DEFAULT_PAGE_SIZE = 20;

export const CursorQuerySchema = Type.Object(
  {
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: DEFAULT_PAGE_SIZE })),
  },
  { additionalProperties: false },
);
export type CursorQuery = Static<typeof CursorQuerySchema>;
