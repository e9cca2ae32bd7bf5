import { Type, type Static } from '@sinclair/typebox';
import { MessageTextSchema } from './bots.schema.js';
import { ErrorEnvelopeSchema, UuidSchema } from './common.schema.js';

/** What a WebSocket client sends on /v1/bots/:botId/stream. */
export const StreamClientFrameSchema = Type.Object(
  {
    type: Type.Literal('message'),
    text: MessageTextSchema,
    conversationId: Type.Optional(UuidSchema),
  },
  { additionalProperties: false },
);
export type StreamClientFrame = Static<typeof StreamClientFrameSchema>;

/** What the server sends back: chunks of the reply, then one `done` (or an `error`). */
export const StreamChunkFrameSchema = Type.Object(
  { type: Type.Literal('chunk'), delta: Type.String() },
  { additionalProperties: false },
);
export const StreamDoneFrameSchema = Type.Object(
  {
    type: Type.Literal('done'),
    conversationId: UuidSchema,
    messageId: UuidSchema,
    replyId: UuidSchema,
    text: Type.String({ description: 'The whole reply, as stored' }),
  },
  { additionalProperties: false },
);
export const StreamErrorFrameSchema = Type.Composite([
  Type.Object({ type: Type.Literal('error') }),
  ErrorEnvelopeSchema,
]);
export const StreamServerFrameSchema = Type.Union([
  StreamChunkFrameSchema,
  StreamDoneFrameSchema,
  StreamErrorFrameSchema,
]);
export type StreamServerFrame = Static<typeof StreamServerFrameSchema>;
