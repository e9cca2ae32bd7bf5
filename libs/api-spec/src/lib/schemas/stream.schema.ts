import { Type, type Static } from 'typebox';
import { IdempotencyKeySchema, MessageTextSchema } from './bots.schema.js';
import { ErrorEnvelopeSchema, UuidSchema } from './common.schema.js';

/** What a WebSocket client sends on /v1/bots/:botId/stream. */
export const StreamClientFrameSchema = Type.Object(
  {
    type: Type.Literal('message'),
    text: MessageTextSchema,
    conversationId: Type.Optional(UuidSchema),
    /** As the Idempotency-Key header of POST /v1/bots/:botId/messages; one key space for both. */
    idempotencyKey: Type.Optional(IdempotencyKeySchema),
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
// One object with both sets of properties, as TypeBox 0.34's Type.Composite made (1.x has
// no Composite: Evaluate flattens the intersection, and like Composite it keeps no options).
export const StreamErrorFrameSchema = Type.Evaluate(
  Type.Intersect([
    Type.Object({
      type: Type.Literal('error'),
      /** On SWY_ERR_RATE_LIMITED only: whole seconds until a message is allowed (HTTP's Retry-After). */
      retryAfter: Type.Optional(Type.Integer({ minimum: 1 })),
    }),
    ErrorEnvelopeSchema,
  ]),
);
export const StreamServerFrameSchema = Type.Union([
  StreamChunkFrameSchema,
  StreamDoneFrameSchema,
  StreamErrorFrameSchema,
]);
export type StreamServerFrame = Static<typeof StreamServerFrameSchema>;
