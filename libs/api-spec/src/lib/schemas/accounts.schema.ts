import { Type, type Static } from 'typebox';
import { TimestampSchema, UuidSchema } from './common.schema.js';

/**
 * ASCII letters, digits, _ . and -, or their fullwidth forms (U+FF0D, U+FF0E, U+FF10-U+FF19,
 * U+FF21-U+FF3A, U+FF3F, U+FF41-U+FF5A), which RFC 8265's width mapping turns into ASCII.
 * Exported because TypeBox 1.x types a schema without its options: the suites quote it in the
 * validation message they expect.
 */
export const USERNAME_PATTERN =
  '^[A-Za-z0-9_.\\-\\uFF0D\\uFF0E\\uFF10-\\uFF19\\uFF21-\\uFF3A\\uFF3F\\uFF41-\\uFF5A]+$';

export const UsernameSchema = Type.String({
  minLength: 3,
  maxLength: 32,
  pattern: USERNAME_PATTERN,
  description:
    'Letters, digits, _ . and - (fullwidth forms are stored as ASCII, RFC 8265); unique regardless of case',
});

export const CreateAccountBodySchema = Type.Object(
  {
    username: UsernameSchema,
    password: Type.String({ minLength: 8, maxLength: 128 }),
  },
  { additionalProperties: false },
);
export type CreateAccountBody = Static<typeof CreateAccountBodySchema>;

export const AccountSchema = Type.Object(
  { id: UuidSchema, username: Type.String(), createdAt: TimestampSchema },
  { additionalProperties: false },
);
export type AccountBody = Static<typeof AccountSchema>;

export const CreateSessionBodySchema = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 32 }),
    password: Type.String({ minLength: 1, maxLength: 128 }),
  },
  { additionalProperties: false },
);
export type CreateSessionBody = Static<typeof CreateSessionBodySchema>;

export const SessionSchema = Type.Object(
  {
    token: Type.String({
      description: 'Opaque bearer token; send it as Authorization: Bearer <token>',
    }),
    expiresAt: TimestampSchema,
  },
  { additionalProperties: false },
);
export type SessionBody = Static<typeof SessionSchema>;
