import { Type, type Static } from 'typebox';
import { TimestampSchema, UuidSchema } from './common.schema.js';
import { MessageSchema } from './bots.schema.js';

export const ConversationIdParamsSchema = Type.Object(
  { id: UuidSchema },
  { additionalProperties: false },
);
export type ConversationIdParams = Static<typeof ConversationIdParamsSchema>;

export const ConversationSchema = Type.Object(
  {
    id: UuidSchema,
    botId: Type.String(),
    messageCount: Type.Integer({ minimum: 0 }),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  },
  { additionalProperties: false },
);
export type ConversationBody = Static<typeof ConversationSchema>;

const NextCursorSchema = Type.Union([Type.String(), Type.Null()], {
  description: 'Pass as ?cursor= for the next page; null on the last page',
});

export const ConversationPageSchema = Type.Object(
  { conversations: Type.Array(ConversationSchema), nextCursor: NextCursorSchema },
  { additionalProperties: false },
);
export type ConversationPage = Static<typeof ConversationPageSchema>;

export const MessagePageSchema = Type.Object(
  { messages: Type.Array(MessageSchema), nextCursor: NextCursorSchema },
  { additionalProperties: false },
);
export type MessagePage = Static<typeof MessagePageSchema>;
