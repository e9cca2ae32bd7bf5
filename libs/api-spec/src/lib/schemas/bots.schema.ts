import { Type, type Static } from 'typebox';
import { AppError } from '../errors/app-error.js';
import { BOT_ID_PATTERN, TimestampSchema, UuidSchema } from './common.schema.js';

/**
 * A bot id in a path is any name the bot registry's router could hold (1-64 characters): one
 * that is not a bot id (BOT_ID_PATTERN) is an unknown bot, 404 SWY_ERR_BOT_NOT_FOUND, like any
 * other name no bot has (docs/api-behaviour.md), not a 400.
 */
export const BotIdParamsSchema = Type.Object(
  { botId: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);
export type BotIdParams = Static<typeof BotIdParamsSchema>;

export const BotSchema = Type.Object(
  {
    id: Type.String({ pattern: BOT_ID_PATTERN }),
    name: Type.String(),
    description: Type.String(),
  },
  { additionalProperties: false },
);
export type BotBody = Static<typeof BotSchema>;

export const BotListSchema = Type.Object(
  { bots: Type.Array(BotSchema) },
  { additionalProperties: false },
);
export type BotListBody = Static<typeof BotListSchema>;

/** Any text but NUL, which PostgreSQL text cannot store: a 400 rather than a changed message. */
export const MessageTextSchema = Type.String({
  minLength: 1,
  maxLength: 4000,
  pattern: '^[^\\u0000]*$',
});

export const PostMessageBodySchema = Type.Object(
  {
    text: MessageTextSchema,
    conversationId: Type.Optional(UuidSchema),
  },
  { additionalProperties: false },
);
export type PostMessageBody = Static<typeof PostMessageBodySchema>;

export const MessageSchema = Type.Object(
  {
    id: UuidSchema,
    conversationId: UuidSchema,
    seq: Type.Integer({ minimum: 1, description: 'Position in the conversation, from 1' }),
    role: Type.Union([Type.Literal('user'), Type.Literal('bot')]),
    text: Type.String(),
    createdAt: TimestampSchema,
  },
  { additionalProperties: false },
);
export type MessageBody = Static<typeof MessageSchema>;

export const PostMessageResponseSchema = Type.Object(
  {
    conversationId: UuidSchema,
    botId: Type.String(),
    message: MessageSchema,
    reply: MessageSchema,
  },
  { additionalProperties: false },
);
export type PostMessageResponse = Static<typeof PostMessageResponseSchema>;

/**
 * What an idempotency key may be: 1 to 128 of letters, digits and `_ . : ~ + / = -` (a UUID, the
 * draft's advice, fits; so does base64). Bounded so that a key costs the database little, and
 * without space, comma or quote so that one header value is one key.
 */
export const IDEMPOTENCY_KEY_PATTERN = '^[A-Za-z0-9_.:~+/=-]{1,128}$';
const IDEMPOTENCY_KEY = new RegExp(IDEMPOTENCY_KEY_PATTERN);

export const IdempotencyKeySchema = Type.String({
  pattern: IDEMPOTENCY_KEY_PATTERN,
  description:
    'Makes the post safe to retry (draft-ietf-httpapi-idempotency-key-header): a retry with the same key within IDEMPOTENCY_TTL_SECONDS gets the first answer and stores nothing.',
});

/** The request headers POST /v1/bots/:botId/messages reads (documented in the OpenAPI). */
export const PostMessageHeadersSchema = Type.Object({
  'idempotency-key': Type.Optional(IdempotencyKeySchema),
});

/**
 * The `Idempotency-Key` request header, checked: absent is `undefined`; the draft's form, a
 * Structured Field string (`"…"`), and a bare key are both taken; anything else (too long, a
 * character outside IDEMPOTENCY_KEY_PATTERN, several keys) is 400 SWY_ERR_VALIDATION.
 */
export function idempotencyKeyOf(
  header: string | readonly string[] | undefined,
): string | undefined {
  if (header === undefined) return undefined;
  const value = typeof header === 'string' ? header.trim() : undefined;
  const key =
    value?.length && value.length >= 2 && value.startsWith('"') && value.endsWith('"')
      ? value.slice(1, -1)
      : value;
  if (key !== undefined && IDEMPOTENCY_KEY.test(key)) return key;
  throw new AppError('SWY_ERR_VALIDATION', {
    details: [
      {
        path: '/headers/idempotency-key',
        message: `must be 1 to 128 characters matching ${IDEMPOTENCY_KEY_PATTERN}, optionally in double quotes`,
      },
    ],
  });
}
