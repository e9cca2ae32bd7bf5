import { Type, type Static } from '@sinclair/typebox';
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
