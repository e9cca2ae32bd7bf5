import { Type, type Static } from 'typebox';

/**
 * What a bot id is: 1 to 32 lower-case letters, digits and inner hyphens. The one rule: the
 * schema of a listed bot (`BotSchema`) says so, `isBotId` checks it, the bot registry holds
 * only such ids (libs/domain checks every registered id against it), and the router's looser
 * key rule (1-64 characters, upper case, `.` and `_`) never decides what a bot may be called.
 */
export const BOT_ID_PATTERN = '^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$';

const BOT_ID = new RegExp(BOT_ID_PATTERN);

/** Whether `id` is a valid bot id (BOT_ID_PATTERN). */
export function isBotId(id: string): boolean {
  return BOT_ID.test(id);
}

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

/**
 * What an id is: a UUID in its 8-4-4-4-12 hex form, nothing around it. The one definition: the
 * RequestValidator defines the `uuid` format with it (ajv-formats' own also takes `urn:uuid:`,
 * which PostgreSQL's uuid type refuses, a 500 where a 400 belongs).
 */
export const UUID_PATTERN =
  '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

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
