import { randomUUID } from 'node:crypto';
import {
  envelope,
  errorCatalog,
  type ApiRouteName,
  type ErrorCodeValue,
  type ErrorDetail,
} from '@switchyard/api-spec';
import { databaseTargets } from '@switchyard/persistence/testing';
import request, { type Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCredentials } from './contract.js';
import {
  BODY_LIMIT_BYTES,
  startEnvironment,
  type AppUnderTest,
  type Environment,
} from '@switchyard/testing';
import { expectDocumented } from './openapi-check.js';
import { openSocket, type Frame, type OpenSocket, type RefusedUpgrade } from '@switchyard/testing';
import { reportCases } from './report.js';

/**
 * The "bad input" suite: one table of requests that a client should not send (or that are
 * unusual but valid), each with the answer docs/api-behaviour.md, docs/errors.md and the
 * TypeBox schemas in @switchyard/domain require. Every case must get an answer (no hang), never
 * a 5xx, the exact status and the exact error envelope; afterwards the app must still serve.
 */

interface Account {
  readonly username: string;
  readonly password: string;
  readonly token: string;
}

/** What the cases can refer to; made in beforeAll. */
interface Context {
  readonly alice: Account;
  readonly bob: Account;
  /** A token whose session was ended with DELETE /v1/sessions/current. */
  readonly loggedOutToken: string;
  /** Alice's conversation with the echo bot. */
  readonly aliceConversation: string;
  /** A token of the short-lived environment (SESSION_TTL_SECONDS=60) and when it expires. */
  readonly expiringToken: string;
  readonly expiresAt: string;
}

/** Whose bearer token the request carries. `expired` also sends it to the short-TTL app. */
type Who = 'alice' | 'bob' | 'loggedOut' | 'expired';

type Dyn<T> = T | ((ctx: Context) => T);

/** A JSON value (a case's body), never a function, so that `(c) => …` bodies are typed. */
type Json =
  string | number | boolean | null | readonly unknown[] | { readonly [key: string]: unknown };

interface Expectation {
  /** HTTP status; for a WebSocket, 101 when the upgrade must succeed. */
  readonly status: number;
  /** The error code; absent for a case that must succeed. */
  readonly code?: ErrorCodeValue;
  /** The error message when it is not the catalogue's default. */
  readonly message?: string;
  /** The exact `details`; when absent for SWY_ERR_VALIDATION, only their shape is checked. */
  readonly details?: readonly ErrorDetail[];
  /** The exact `Allow` header (405). */
  readonly allow?: string;
}

interface HttpCase extends Expectation {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
  /** Sent as it is, query string included (superagent does not re-encode `%`). */
  readonly path: Dyn<string>;
  readonly as?: Who;
  readonly headers?: Dyn<Readonly<Record<string, string>>>;
  /** A string is sent byte for byte; anything else as JSON.stringify of it. */
  readonly body?: Dyn<Json>;
  /** Default `application/json` when there is a body; `null` sends no Content-Type at all. */
  readonly contentType?: string | null;
  /** The route whose OpenAPI entry the response must match (none for 404/405 routing). */
  readonly route?: ApiRouteName;
  /** For a case that must succeed: a subset of the JSON body. */
  readonly reply?: Dyn<object>;
}

interface WsCase extends Expectation {
  readonly name: string;
  readonly ws: {
    readonly bot: string;
    /** Token in the Authorization header. */
    readonly as?: Who;
    readonly headers?: Readonly<Record<string, string>>;
    readonly protocols?: readonly string[];
    /** After the upgrade: a string is sent as a text frame, a Buffer as a binary frame. */
    readonly frame?: string | Buffer;
  };
  /** The server closes the socket with this code instead of answering with a frame. */
  readonly closeCode?: number;
}

type BadInputCase = HttpCase | WsCase;

const V = 'SWY_ERR_VALIDATION' as const;
const detail = (path: string, message: string): ErrorDetail => ({ path, message });
const fresh = () => `b-${randomUUID().slice(0, 12)}`;
const b64 = (value: string) => Buffer.from(value).toString('base64url');
const PASSWORD = 'long enough password';
const UNKNOWN_ID = randomUUID();
const USERNAME_PATTERN = 'must match pattern "^[A-Za-z0-9_.-]+$"';
const MUST_BE_OBJECT = [detail('/body', 'must be object')];
const BAD_URL = [detail('', 'the URL path is not valid percent-encoding')];
const UUID_FORMAT = 'must match format "uuid"';
const OVER_LIMIT = 'x'.repeat(BODY_LIMIT_BYTES + 10);
const EMOJI = 'hi 😀🎉👩‍👩‍👧 🇺🇳';
const RTL = '\u202Eevil\u202C مرحبا بالعالم שלום';
const COMBINING = 'Z\u0351\u0364a\u0302l\u0336g\u0314o e\u0301';

/** For the cases that must succeed: the echo bot answers `echo: <text>`, unchanged. */
const echoes = (text: string) => ({
  botId: 'echo',
  message: { role: 'user', text },
  reply: { role: 'bot', text: `echo: ${text}` },
});

const cases: readonly BadInputCase[] = [
  // ── Malformed JSON ──────────────────────────────────────────────────────────────────────
  ...(
    [
      ['a truncated object', '{"username": "abc",'],
      ['single-quoted strings', "{'username':'abc','password':'long enough'}"],
      ['unquoted keys', '{username:"abc",password:"long enough"}'],
      ['a trailing comma', '{"username":"abc","password":"long enough",}'],
      ['text after the object', '{"username":"abc","password":"long enough"} extra'],
      ['the bare word undefined', 'undefined'],
      // Not empty (three bytes) and not parseable: the spec's "not parseable JSON" rule.
      ['only whitespace', '   '],
    ] as const
  ).map(([what, body]): HttpCase => ({
    name: `POST /v1/accounts with ${what} is 400 SWY_ERR_MALFORMED_JSON`,
    method: 'POST',
    path: '/v1/accounts',
    body,
    route: 'createAccount',
    status: 400,
    code: 'SWY_ERR_MALFORMED_JSON',
  })),
  {
    name: 'POST /v1/sessions with a missing comma is 400 SWY_ERR_MALFORMED_JSON',
    method: 'POST',
    path: '/v1/sessions',
    body: '{"username":"abc" "password":"long enough"}',
    route: 'createSession',
    status: 400,
    code: 'SWY_ERR_MALFORMED_JSON',
  },
  {
    name: 'POST /v1/bots/echo/messages with a truncated body is 400 SWY_ERR_MALFORMED_JSON',
    method: 'POST',
    path: '/v1/bots/echo/messages',
    as: 'alice',
    body: '{"text":',
    route: 'postMessage',
    status: 400,
    code: 'SWY_ERR_MALFORMED_JSON',
  },

  // ── Wrong content type ──────────────────────────────────────────────────────────────────
  ...(
    [
      ['a text/plain body', 'text/plain', '{"username":"abc","password":"long enough"}'],
      [
        'a form-urlencoded body',
        'application/x-www-form-urlencoded',
        'username=abc&password=long+enough',
      ],
      ['a multipart/form-data body', 'multipart/form-data; boundary=xyz', '--xyz--'],
      // "Content-Type is not application/json" → 415, also for a JSON-flavoured other type.
      ['an application/vnd.api+json body', 'application/vnd.api+json', '{"username":"abc"}'],
      // A body without any Content-Type: the spec's rule is "a body whose Content-Type is not
      // application/json → 415"; a missing header is not application/json.
      ['a body but no Content-Type', null, '{"username":"abc","password":"long enough"}'],
    ] as const
  ).map(([what, contentType, body]): HttpCase => ({
    name: `POST /v1/accounts with ${what} is 415 SWY_ERR_UNSUPPORTED_MEDIA_TYPE`,
    method: 'POST',
    path: '/v1/accounts',
    body,
    contentType,
    route: 'createAccount',
    status: 415,
    code: 'SWY_ERR_UNSUPPORTED_MEDIA_TYPE',
  })),
  {
    name: 'POST /v1/bots/echo/messages with a text/plain body is 415',
    method: 'POST',
    path: '/v1/bots/echo/messages',
    as: 'alice',
    body: 'hello',
    contentType: 'text/plain',
    route: 'postMessage',
    status: 415,
    code: 'SWY_ERR_UNSUPPORTED_MEDIA_TYPE',
  },
  {
    // The pipeline checks the media type before the size (api-behaviour.md, step 3, in order).
    name: 'POST /v1/accounts with a text/plain body over the limit is 415, not 413',
    method: 'POST',
    path: '/v1/accounts',
    body: OVER_LIMIT,
    contentType: 'text/plain',
    route: 'createAccount',
    status: 415,
    code: 'SWY_ERR_UNSUPPORTED_MEDIA_TYPE',
  },
  {
    // Auth (step 2) runs before the body is read (step 3).
    name: 'POST /v1/bots/echo/messages with no token and a text/plain body is 401',
    method: 'POST',
    path: '/v1/bots/echo/messages',
    body: 'hello',
    contentType: 'text/plain',
    route: 'postMessage',
    status: 401,
    code: 'SWY_ERR_AUTH_REQUIRED',
  },

  // ── JSON values that are not objects, and empty bodies ─────────────────────────────────
  ...(
    [
      ['null', 'null'],
      ['[]', '[]'],
      ['"abc"', '"abc"'],
      ['42', '42'],
    ] as const
  ).map(([what, body]): HttpCase => ({
    name: `POST /v1/accounts with the JSON value ${what} is 400 SWY_ERR_VALIDATION`,
    method: 'POST',
    path: '/v1/accounts',
    body,
    route: 'createAccount',
    status: 400,
    code: V,
    details: MUST_BE_OBJECT,
  })),
  {
    name: 'POST /v1/bots/echo/messages with the JSON value true is 400 SWY_ERR_VALIDATION',
    method: 'POST',
    path: '/v1/bots/echo/messages',
    as: 'alice',
    body: 'true',
    route: 'postMessage',
    status: 400,
    code: V,
    details: MUST_BE_OBJECT,
  },
  {
    name: 'POST /v1/sessions with an empty application/json body is 400 SWY_ERR_VALIDATION',
    method: 'POST',
    path: '/v1/sessions',
    body: '',
    route: 'createSession',
    status: 400,
    code: V,
    details: MUST_BE_OBJECT,
  },
  {
    // "A missing or empty body is undefined and fails validation."
    name: 'POST /v1/accounts with no body at all is 400 SWY_ERR_VALIDATION',
    method: 'POST',
    path: '/v1/accounts',
    route: 'createAccount',
    status: 400,
    code: V,
    details: MUST_BE_OBJECT,
  },
  {
    name: 'POST /v1/bots/echo/messages with no body at all is 400 SWY_ERR_VALIDATION',
    method: 'POST',
    path: '/v1/bots/echo/messages',
    as: 'alice',
    route: 'postMessage',
    status: 400,
    code: V,
    details: MUST_BE_OBJECT,
  },

  // ── Missing, extra and wrongly typed fields ─────────────────────────────────────────────
  {
    name: 'POST /v1/accounts with {} lists both missing fields',
    method: 'POST',
    path: '/v1/accounts',
    body: {},
    route: 'createAccount',
    status: 400,
    code: V,
    details: [
      detail('/body/username', "must have required property 'username'"),
      detail('/body/password', "must have required property 'password'"),
    ],
  },
  {
    name: 'POST /v1/sessions without a password is 400',
    method: 'POST',
    path: '/v1/sessions',
    body: { username: 'abc' },
    route: 'createSession',
    status: 400,
    code: V,
    details: [detail('/body/password', "must have required property 'password'")],
  },
  {
    name: 'POST /v1/bots/echo/messages with a conversationId and no text is 400',
    method: 'POST',
    path: '/v1/bots/echo/messages',
    as: 'alice',
    body: { conversationId: UNKNOWN_ID },
    route: 'postMessage',
    status: 400,
    code: V,
    details: [detail('/body/text', "must have required property 'text'")],
  },
  {
    name: 'POST /v1/accounts with a client-chosen id is 400 (extra field)',
    method: 'POST',
    path: '/v1/accounts',
    body: () => ({ username: fresh(), password: PASSWORD, id: randomUUID() }),
    route: 'createAccount',
    status: 400,
    code: V,
    details: [detail('/body/id', 'is not allowed')],
  },
  {
    name: 'POST /v1/sessions with an extra "remember" field is 400',
    method: 'POST',
    path: '/v1/sessions',
    body: { username: 'abc', password: PASSWORD, remember: true },
    route: 'createSession',
    status: 400,
    code: V,
    details: [detail('/body/remember', 'is not allowed')],
  },
  {
    name: 'POST /v1/bots/echo/messages with an extra botId field is 400',
    method: 'POST',
    path: '/v1/bots/echo/messages',
    as: 'alice',
    body: { text: 'hi', botId: 'model' },
    route: 'postMessage',
    status: 400,
    code: V,
    details: [detail('/body/botId', 'is not allowed')],
  },
  {
    name: 'POST /v1/accounts with a numeric password is 400 (bodies are not coerced)',
    method: 'POST',
    path: '/v1/accounts',
    body: { username: 'numeric-pw', password: 12345678 },
    route: 'createAccount',
    status: 400,
    code: V,
    details: [detail('/body/password', 'must be string')],
  },
  {
    name: 'POST /v1/sessions with an object for the username is 400',
    method: 'POST',
    path: '/v1/sessions',
    body: { username: { $ne: null }, password: PASSWORD },
    route: 'createSession',
    status: 400,
    code: V,
    details: [detail('/body/username', 'must be string')],
  },
  ...(
    [
      ['a number', 42],
      ['an array', ['hi']],
      ['null', null],
    ] as const
  ).map(([what, text]): HttpCase => ({
    name: `POST /v1/bots/echo/messages with ${what} for the text is 400`,
    method: 'POST',
    path: '/v1/bots/echo/messages',
    as: 'alice',
    body: { text },
    route: 'postMessage',
    status: 400,
    code: V,
    details: [detail('/body/text', 'must be string')],
  })),
  {
    name: 'POST /v1/bots/echo/messages with a numeric conversationId is 400',
    method: 'POST',
    path: '/v1/bots/echo/messages',
    as: 'alice',
    body: { text: 'hi', conversationId: 12345 },
    route: 'postMessage',
    status: 400,
    code: V,
    details: [detail('/body/conversationId', 'must be string')],
  },

  // ── Empty and huge strings ──────────────────────────────────────────────────────────────
  {
    name: 'POST /v1/accounts with an empty username is 400',
    method: 'POST',
    path: '/v1/accounts',
    body: { username: '', password: PASSWORD },
    route: 'createAccount',
    status: 400,
    code: V,
    details: [detail('/body/username', 'must NOT have fewer than 3 characters')],
  },
  {
    name: 'POST /v1/accounts with an empty password is 400',
    method: 'POST',
    path: '/v1/accounts',
    body: { username: 'empty-pw', password: '' },
    route: 'createAccount',
    status: 400,
    code: V,
    details: [detail('/body/password', 'must NOT have fewer than 8 characters')],
  },
  {
    name: 'POST /v1/sessions with an empty username is 400',
    method: 'POST',
    path: '/v1/sessions',
    body: { username: '', password: PASSWORD },
    route: 'createSession',
    status: 400,
    code: V,
    details: [detail('/body/username', 'must NOT have fewer than 1 characters')],
  },
  {
    name: 'POST /v1/bots/echo/messages with an empty conversationId is 400',
    method: 'POST',
    path: '/v1/bots/echo/messages',
    as: 'alice',
    body: { text: 'hi', conversationId: '' },
    route: 'postMessage',
    status: 400,
    code: V,
    details: [detail('/body/conversationId', UUID_FORMAT)],
  },
  {
    name: 'POST /v1/accounts with a 33-character username is 400',
    method: 'POST',
    path: '/v1/accounts',
    body: { username: 'a'.repeat(33), password: PASSWORD },
    route: 'createAccount',
    status: 400,
    code: V,
    details: [detail('/body/username', 'must NOT have more than 32 characters')],
  },
  {
    name: 'POST /v1/accounts with a 129-character password is 400',
    method: 'POST',
    path: '/v1/accounts',
    body: { username: 'long-pw', password: 'p'.repeat(129) },
    route: 'createAccount',
    status: 400,
    code: V,
    details: [detail('/body/password', 'must NOT have more than 128 characters')],
  },
  {
    name: 'POST /v1/sessions with a 1000-character username is 400',
    method: 'POST',
    path: '/v1/sessions',
    body: { username: 'u'.repeat(1000), password: PASSWORD },
    route: 'createSession',
    status: 400,
    code: V,
    details: [detail('/body/username', 'must NOT have more than 32 characters')],
  },
  {
    name: 'POST /v1/bots/echo/messages with a 10 000-character text (under the byte limit) is 400',
    method: 'POST',
    path: '/v1/bots/echo/messages',
    as: 'alice',
    body: { text: 't'.repeat(10_000) },
    route: 'postMessage',
    status: 400,
    code: V,
    details: [detail('/body/text', 'must NOT have more than 4000 characters')],
  },
  {
    name: 'POST /v1/bots/echo/messages with a 10 000-character conversationId is 400',
    method: 'POST',
    path: '/v1/bots/echo/messages',
    as: 'alice',
    body: { text: 'hi', conversationId: 'c'.repeat(10_000) },
    route: 'postMessage',
    status: 400,
    code: V,
    details: [detail('/body/conversationId', UUID_FORMAT)],
  },

  // ── Unicode and NUL bytes ───────────────────────────────────────────────────────────────
  ...(
    [
      ['emoji', '😀😀😀'],
      ['right-to-left script', 'مرحبا'],
      ['combining marks', 'e\u0301e\u0301e\u0301'],
      ['a NUL byte', 'abc\u0000def'],
    ] as const
  ).map(([what, username]): HttpCase => ({
    name: `POST /v1/accounts with ${what} in the username is 400 (pattern)`,
    method: 'POST',
    path: '/v1/accounts',
    body: { username, password: PASSWORD },
    route: 'createAccount',
    status: 400,
    code: V,
    details: [detail('/body/username', USERNAME_PATTERN)],
  })),
  // Log-in usernames have no pattern (1-32 characters): these are unknown usernames, and an
  // unknown username is the one 401 of docs/errors.md, whatever its characters.
  ...(
    [
      ['emoji', '😀😀😀'],
      ['right-to-left script', 'مرحبا'],
      ['a NUL byte', 'abc\u0000def'],
    ] as const
  ).map(([what, username]): HttpCase => ({
    name: `POST /v1/sessions with ${what} in the username is 401 SWY_ERR_AUTH_INVALID_CREDENTIALS`,
    method: 'POST',
    path: '/v1/sessions',
    body: { username, password: PASSWORD },
    route: 'createSession',
    status: 401,
    code: 'SWY_ERR_AUTH_INVALID_CREDENTIALS',
  })),
  // The password schema is any 8-128 characters: these passwords are valid and the account is
  // created (the spec has no error for them).
  ...(
    [
      ['emoji', '🔐🔑🗝️🔒🔓🔏🛡️🧩'],
      ['right-to-left script and combining marks', 'كلمة السر e\u0301\u0301 שלום'],
      ['a NUL byte', 'pass\u0000word-long'],
    ] as const
  ).map(([what, password]): HttpCase => ({
    name: `POST /v1/accounts with ${what} in the password is 201`,
    method: 'POST',
    path: '/v1/accounts',
    body: () => ({ username: fresh(), password }),
    route: 'createAccount',
    status: 201,
  })),
  // Message text is 1-4000 characters: stored and echoed back unchanged (no normalization).
  ...(
    [
      ['emoji', EMOJI],
      ['right-to-left text and bidi overrides', RTL],
      ['combining marks', COMBINING],
    ] as const
  ).map(([what, text]): HttpCase => ({
    name: `POST /v1/bots/echo/messages with ${what} in the text is 201 and echoes it unchanged`,
    method: 'POST',
    path: '/v1/bots/echo/messages',
    as: 'alice',
    body: { text },
    route: 'postMessage',
    status: 201,
    reply: echoes(text),
  })),

  // ...but no NUL character: PostgreSQL text cannot store one, so the schema refuses it
  // (docs/api-behaviour.md, "Bots and upstream calls") rather than store a changed message.
  {
    name: 'POST /v1/bots/echo/messages with a NUL byte in the text is 400 SWY_ERR_VALIDATION',
    method: 'POST',
    path: '/v1/bots/echo/messages',
    as: 'alice',
    body: { text: 'before\u0000after' },
    route: 'postMessage',
    status: 400,
    code: V,
    details: [detail('/body/text', 'must match pattern "^[^\\u0000]*$"')],
  },

  // ── __proto__ and friends: extra fields like any other ─────────────────────────────────
  // The body is parseable JSON, so step 3 passes it on; the key is not in the schema, so step 4
  // refuses it as an extra field (errors.md: "missing or extra fields" → SWY_ERR_VALIDATION).
  {
    name: 'POST /v1/accounts with a __proto__ key is 400 SWY_ERR_VALIDATION',
    method: 'POST',
    path: '/v1/accounts',
    body: '{"username":"proto-user","password":"long enough","__proto__":{"admin":true}}',
    route: 'createAccount',
    status: 400,
    code: V,
  },
  {
    name: 'POST /v1/bots/echo/messages with a __proto__ key is 400 SWY_ERR_VALIDATION',
    method: 'POST',
    path: '/v1/bots/echo/messages',
    as: 'alice',
    body: `{"text":"hi","__proto__":{"conversationId":"${UNKNOWN_ID}"}}`,
    route: 'postMessage',
    status: 400,
    code: V,
  },
  {
    name: 'POST /v1/sessions with a constructor.prototype key is 400 SWY_ERR_VALIDATION',
    method: 'POST',
    path: '/v1/sessions',
    body: '{"username":"abc","password":"long enough","constructor":{"prototype":{"admin":true}}}',
    route: 'createSession',
    status: 400,
    code: V,
  },

  // ── Bodies over BODY_LIMIT_BYTES ────────────────────────────────────────────────────────
  {
    name: 'POST /v1/accounts with a body over the limit is 413',
    method: 'POST',
    path: '/v1/accounts',
    body: { username: 'big-body', password: OVER_LIMIT },
    route: 'createAccount',
    status: 413,
    code: 'SWY_ERR_BODY_TOO_LARGE',
  },
  {
    name: 'POST /v1/bots/echo/messages with a body over the limit is 413',
    method: 'POST',
    path: '/v1/bots/echo/messages',
    as: 'alice',
    body: { text: OVER_LIMIT },
    route: 'postMessage',
    status: 413,
    code: 'SWY_ERR_BODY_TOO_LARGE',
  },
  {
    // The size is checked before parsing (api-behaviour.md step 3 lists 413 before 400).
    name: 'POST /v1/sessions with malformed JSON over the limit is 413, not 400',
    method: 'POST',
    path: '/v1/sessions',
    body: `{"username": "${OVER_LIMIT}`,
    route: 'createSession',
    status: 413,
    code: 'SWY_ERR_BODY_TOO_LARGE',
  },

  // ── Invalid and unknown conversation ids ────────────────────────────────────────────────
  ...(
    [
      ['not-a-uuid', 'not-a-uuid'],
      ['a UUID with a "g"', '0000000g-0000-0000-0000-000000000000'],
      ['a UUID without hyphens', '0123456789abcdef0123456789abcdef'],
    ] as const
  ).map(([what, id]): HttpCase => ({
    name: `GET /v1/conversations/:id/messages with ${what} is 400`,
    method: 'GET',
    path: `/v1/conversations/${id}/messages`,
    as: 'alice',
    route: 'listMessages',
    status: 400,
    code: V,
    details: [detail('/params/id', UUID_FORMAT)],
  })),
  ...(
    [
      ['"abc"', 'abc'],
      ['a UUID in braces', `{${UNKNOWN_ID}}`],
    ] as const
  ).map(([what, conversationId]): HttpCase => ({
    name: `POST /v1/bots/echo/messages with ${what} as conversationId is 400`,
    method: 'POST',
    path: '/v1/bots/echo/messages',
    as: 'alice',
    body: { text: 'hi', conversationId },
    route: 'postMessage',
    status: 400,
    code: V,
    details: [detail('/body/conversationId', UUID_FORMAT)],
  })),
  ...(
    [
      ['a random UUID', UNKNOWN_ID],
      ['the nil UUID', '00000000-0000-0000-0000-000000000000'],
    ] as const
  ).map(([what, id]): HttpCase => ({
    name: `GET /v1/conversations/:id/messages with an unknown id (${what}) is 404`,
    method: 'GET',
    path: `/v1/conversations/${id}/messages`,
    as: 'alice',
    route: 'listMessages',
    status: 404,
    code: 'SWY_ERR_CONVERSATION_NOT_FOUND',
  })),
  {
    name: 'POST /v1/bots/echo/messages with an unknown conversationId is 404',
    method: 'POST',
    path: '/v1/bots/echo/messages',
    as: 'alice',
    body: { text: 'hi', conversationId: UNKNOWN_ID },
    route: 'postMessage',
    status: 404,
    code: 'SWY_ERR_CONVERSATION_NOT_FOUND',
  },
  {
    name: "GET another account's conversation is 404, not 403",
    method: 'GET',
    path: (c) => `/v1/conversations/${c.aliceConversation}/messages`,
    as: 'bob',
    route: 'listMessages',
    status: 404,
    code: 'SWY_ERR_CONVERSATION_NOT_FOUND',
  },
  {
    name: "POST to another account's conversation is 404",
    method: 'POST',
    path: '/v1/bots/echo/messages',
    as: 'bob',
    body: (c) => ({ text: 'hijack', conversationId: c.aliceConversation }),
    route: 'postMessage',
    status: 404,
    code: 'SWY_ERR_CONVERSATION_NOT_FOUND',
  },
  {
    name: "POST to the model bot with the echo bot's conversation is 409",
    method: 'POST',
    path: '/v1/bots/model/messages',
    as: 'alice',
    body: (c) => ({ text: 'hi', conversationId: c.aliceConversation }),
    route: 'postMessage',
    status: 409,
    code: 'SWY_ERR_CONVERSATION_BOT_MISMATCH',
    message: 'The conversation belongs to bot "echo"',
  },

  // ── Cursors, limits and unknown query parameters ────────────────────────────────────────
  ...(
    [
      ['garbage!', 'garbage!'],
      ['base64url JSON of another shape', b64('{"x":1}')],
      ['a forged negative position', b64('{"position":"-5"}')],
      ['a random UUID', UNKNOWN_ID],
    ] as const
  ).map(([what, cursor]): HttpCase => ({
    name: `GET /v1/conversations with a cursor never handed out (${what}) is 400 SWY_ERR_INVALID_CURSOR`,
    method: 'GET',
    path: `/v1/conversations?cursor=${encodeURIComponent(cursor)}`,
    as: 'alice',
    route: 'listConversations',
    status: 400,
    code: 'SWY_ERR_INVALID_CURSOR',
  })),
  {
    name: 'GET /v1/conversations/:id/messages with a cursor never handed out is 400 SWY_ERR_INVALID_CURSOR',
    method: 'GET',
    path: (c) => `/v1/conversations/${c.aliceConversation}/messages?cursor=garbage!`,
    as: 'alice',
    route: 'listMessages',
    status: 400,
    code: 'SWY_ERR_INVALID_CURSOR',
  },
  {
    name: 'GET /v1/conversations with a 201-character cursor is 400 SWY_ERR_VALIDATION',
    method: 'GET',
    path: `/v1/conversations?cursor=${'c'.repeat(201)}`,
    as: 'alice',
    route: 'listConversations',
    status: 400,
    code: V,
    details: [detail('/query/cursor', 'must NOT have more than 200 characters')],
  },
  {
    name: 'GET /v1/conversations with an empty cursor is 400 SWY_ERR_VALIDATION',
    method: 'GET',
    path: '/v1/conversations?cursor=',
    as: 'alice',
    route: 'listConversations',
    status: 400,
    code: V,
    details: [detail('/query/cursor', 'must NOT have fewer than 1 characters')],
  },
  ...(
    [
      ['limit=0', 'limit=0', 'must be >= 1'],
      ['limit=101', 'limit=101', 'must be <= 100'],
      ['limit=-1', 'limit=-1', 'must be >= 1'],
      ['limit=abc', 'limit=abc', 'must be integer'],
      ['limit=1.5', 'limit=1.5', 'must be integer'],
      // An empty value is not a number; Ajv coerces only non-empty numeric text.
      ['an empty limit', 'limit=', 'must be integer'],
      // A repeated parameter arrives as a list, which is not an integer (no array coercion).
      ['limit given twice', 'limit=1&limit=2', 'must be integer'],
    ] as const
  ).map(([what, query, message]): HttpCase => ({
    name: `GET /v1/conversations with ${what} is 400 SWY_ERR_VALIDATION`,
    method: 'GET',
    path: `/v1/conversations?${query}`,
    as: 'alice',
    route: 'listConversations',
    status: 400,
    code: V,
    details: [detail('/query/limit', message)],
  })),
  {
    name: 'GET /v1/conversations/:id/messages with limit=1000 is 400 SWY_ERR_VALIDATION',
    method: 'GET',
    path: (c) => `/v1/conversations/${c.aliceConversation}/messages?limit=1000`,
    as: 'alice',
    route: 'listMessages',
    status: 400,
    code: V,
    details: [detail('/query/limit', 'must be <= 100')],
  },
  {
    name: 'GET /v1/conversations with an unknown query parameter is 400',
    method: 'GET',
    path: '/v1/conversations?sort=asc',
    as: 'alice',
    route: 'listConversations',
    status: 400,
    code: V,
    details: [detail('/query/sort', 'is not allowed')],
  },
  {
    name: 'GET /v1/conversations/:id/messages with an unknown query parameter is 400',
    method: 'GET',
    path: (c) => `/v1/conversations/${c.aliceConversation}/messages?before=2020-01-01`,
    as: 'alice',
    route: 'listMessages',
    status: 400,
    code: V,
    details: [detail('/query/before', 'is not allowed')],
  },

  // ── Unknown bots, odd and long path parameters ──────────────────────────────────────────
  ...(
    [
      ['nobody', 'nobody', 'nobody'],
      ['ECHO (ids are case-sensitive)', 'ECHO', 'ECHO'],
      ['an emoji', '%F0%9F%98%80', '😀'],
      ['a 64-character id', 'b'.repeat(64), 'b'.repeat(64)],
    ] as const
  ).map(([what, raw, id]): HttpCase => ({
    name: `POST /v1/bots/:botId/messages for an unknown bot (${what}) is 404`,
    method: 'POST',
    path: `/v1/bots/${raw}/messages`,
    as: 'alice',
    body: { text: 'hi' },
    route: 'postMessage',
    status: 404,
    code: 'SWY_ERR_BOT_NOT_FOUND',
    message: `No bot with id ${JSON.stringify(id)}`,
  })),
  ...[65, 5000].map((length): HttpCase => ({
    name: `POST /v1/bots/:botId/messages with a ${length}-character bot id is 400`,
    method: 'POST',
    path: `/v1/bots/${'b'.repeat(length)}/messages`,
    as: 'alice',
    body: { text: 'hi' },
    route: 'postMessage',
    status: 400,
    code: V,
    details: [detail('/params/botId', 'must NOT have more than 64 characters')],
  })),
  {
    name: 'GET /v1/conversations/:id/messages with a 5000-character id is 400',
    method: 'GET',
    path: `/v1/conversations/${'a'.repeat(5000)}/messages`,
    as: 'alice',
    route: 'listMessages',
    status: 400,
    code: V,
    details: [detail('/params/id', UUID_FORMAT)],
  },
  // A path that is not valid percent-encoding cannot be matched to a route at all: both apps
  // answer 400 SWY_ERR_VALIDATION with one detail for the whole path (docs/api-behaviour.md,
  // request pipeline, before step 1), known route or not.
  ...(
    [
      ['a truncated UTF-8 escape', '%E0%A4%A'],
      ['an invalid escape', '%ZZ'],
      ['a lone %', '%'],
    ] as const
  ).map(([what, id]): HttpCase => ({
    name: `GET /v1/conversations/:id/messages with ${what} in the id is 400 SWY_ERR_VALIDATION`,
    method: 'GET',
    path: `/v1/conversations/${id}/messages`,
    as: 'alice',
    route: 'listMessages',
    status: 400,
    code: V,
    details: BAD_URL,
  })),
  {
    name: 'GET an unknown path with bad percent-encoding is 400 SWY_ERR_VALIDATION',
    method: 'GET',
    path: '/nope%E0%A4%A',
    status: 400,
    code: V,
    details: BAD_URL,
  },

  // ── Unknown routes and methods ──────────────────────────────────────────────────────────
  ...(
    [
      ['GET', '/nope'],
      ['GET', '/v1/accounts/me'],
      ['GET', '/v1/bots/echo'],
      ['DELETE', '/v1'],
      ['GET', '/v1/proxy'],
    ] as const
  ).map(([method, path]): HttpCase => ({
    name: `${method} ${path} is 404 SWY_ERR_NOT_FOUND`,
    method,
    path,
    status: 404,
    code: 'SWY_ERR_NOT_FOUND',
  })),
  {
    // "auth applies to registered routes only, never to a path prefix"
    name: 'GET /v1/nope with a garbage token is 404, not 401',
    method: 'GET',
    path: '/v1/nope',
    headers: { Authorization: 'Bearer garbage' },
    status: 404,
    code: 'SWY_ERR_NOT_FOUND',
  },
  ...(
    [
      ['PUT', '/v1/accounts', 'POST'],
      ['OPTIONS', '/v1/accounts', 'POST'],
      ['GET', '/v1/sessions', 'POST'],
      ['GET', '/v1/sessions/current', 'DELETE'],
      ['POST', '/v1/sessions/current', 'DELETE'],
      ['POST', '/v1/bots', 'GET, HEAD'],
      ['GET', '/v1/bots/echo/messages', 'POST'],
      ['POST', '/v1/bots/echo/stream', 'GET, HEAD'],
      ['DELETE', `/v1/conversations/${UNKNOWN_ID}/messages`, 'GET, HEAD'],
      ['POST', '/v1/proxy/httpbin/get', 'GET, HEAD'],
      ['PATCH', '/health', 'GET, HEAD'],
    ] as const
  ).map(([method, path, allow]): HttpCase => ({
    name: `${method} ${path} is 405 with Allow: ${allow}`,
    method,
    path,
    status: 405,
    code: 'SWY_ERR_METHOD_NOT_ALLOWED',
    allow,
  })),
  {
    // Step 1 runs before auth: "This holds with or without a token".
    name: 'PATCH /v1/conversations with a garbage token is 405, not 401',
    method: 'PATCH',
    path: '/v1/conversations',
    headers: { Authorization: 'Bearer garbage' },
    status: 405,
    code: 'SWY_ERR_METHOD_NOT_ALLOWED',
    allow: 'GET, HEAD',
  },

  // ── Accounts and credentials ────────────────────────────────────────────────────────────
  ...(
    [
      ['the same case', (u: string) => u],
      ['upper case', (u: string) => u.toUpperCase()],
      ['mixed case', (u: string) => u.charAt(0).toUpperCase() + u.slice(1)],
    ] as const
  ).map(([what, spell]): HttpCase => ({
    name: `POST /v1/accounts with a taken username in ${what} is 409`,
    method: 'POST',
    path: '/v1/accounts',
    body: (c) => ({ username: spell(c.alice.username), password: 'another password' }),
    route: 'createAccount',
    status: 409,
    code: 'SWY_ERR_USERNAME_TAKEN',
  })),
  {
    name: 'POST /v1/sessions with a wrong password is 401 SWY_ERR_AUTH_INVALID_CREDENTIALS',
    method: 'POST',
    path: '/v1/sessions',
    body: (c) => ({ username: c.alice.username, password: 'wrong password' }),
    route: 'createSession',
    status: 401,
    code: 'SWY_ERR_AUTH_INVALID_CREDENTIALS',
  },
  {
    name: 'POST /v1/sessions with an unknown username is the same 401',
    method: 'POST',
    path: '/v1/sessions',
    body: () => ({ username: fresh(), password: PASSWORD }),
    route: 'createSession',
    status: 401,
    code: 'SWY_ERR_AUTH_INVALID_CREDENTIALS',
  },

  // ── Bearer tokens ───────────────────────────────────────────────────────────────────────
  ...(
    [
      ['no Authorization header', undefined],
      ['a garbage token', 'Bearer !!garbage!!'],
      ['a well-formed unknown token', `Bearer ${'x'.repeat(43)}`],
      ['an empty bearer', 'Bearer '],
      ['the Basic scheme', 'Basic dXNlcjpwYXNzd29yZA=='],
      ['an over-long token', `Bearer ${'y'.repeat(4000)}`],
    ] as const
  ).map(([what, authorization]): HttpCase => ({
    name: `GET /v1/bots with ${what} is 401 SWY_ERR_AUTH_REQUIRED`,
    method: 'GET',
    path: '/v1/bots',
    ...(authorization === undefined ? {} : { headers: { Authorization: authorization } }),
    route: 'listBots',
    status: 401,
    code: 'SWY_ERR_AUTH_REQUIRED',
  })),
  {
    name: 'GET /v1/bots with a valid token but no Bearer scheme is 401',
    method: 'GET',
    path: '/v1/bots',
    headers: (c) => ({ Authorization: c.alice.token }),
    route: 'listBots',
    status: 401,
    code: 'SWY_ERR_AUTH_REQUIRED',
  },
  {
    name: 'GET /v1/conversations with a logged-out token is 401',
    method: 'GET',
    path: '/v1/conversations',
    as: 'loggedOut',
    route: 'listConversations',
    status: 401,
    code: 'SWY_ERR_AUTH_REQUIRED',
  },
  {
    name: 'DELETE /v1/sessions/current with a logged-out token is 401',
    method: 'DELETE',
    path: '/v1/sessions/current',
    as: 'loggedOut',
    route: 'deleteSession',
    status: 401,
    code: 'SWY_ERR_AUTH_REQUIRED',
  },

  // ── The proxy ───────────────────────────────────────────────────────────────────────────
  ...['elsewhere', 'HTTPBIN'].map((service): HttpCase => ({
    name: `GET /v1/proxy/${service}/get (not configured) is 404`,
    method: 'GET',
    path: `/v1/proxy/${service}/get`,
    as: 'alice',
    route: 'proxy',
    status: 404,
    code: 'SWY_ERR_PROXY_SERVICE_NOT_FOUND',
  })),
  {
    name: 'GET /v1/proxy/elsewhere/get without a token is 401 (auth first)',
    method: 'GET',
    path: '/v1/proxy/elsewhere/get',
    route: 'proxy',
    status: 401,
    code: 'SWY_ERR_AUTH_REQUIRED',
  },

  // ── WebSocket /v1/bots/:botId/stream ────────────────────────────────────────────────────
  {
    name: 'WS upgrade without a token is refused with 401 and the envelope',
    ws: { bot: 'echo' },
    status: 401,
    code: 'SWY_ERR_AUTH_REQUIRED',
  },
  {
    name: 'WS upgrade with a garbage bearer header is refused with 401',
    ws: { bot: 'echo', headers: { Authorization: 'Bearer !!garbage!!' } },
    status: 401,
    code: 'SWY_ERR_AUTH_REQUIRED',
  },
  {
    name: 'WS upgrade with an unknown token in the bearer subprotocol is refused with 401',
    ws: { bot: 'echo', protocols: ['bearer', 'x'.repeat(43)] },
    status: 401,
    code: 'SWY_ERR_AUTH_REQUIRED',
  },
  {
    name: 'WS upgrade with a logged-out token is refused with 401',
    ws: { bot: 'echo', as: 'loggedOut' },
    status: 401,
    code: 'SWY_ERR_AUTH_REQUIRED',
  },
  {
    name: 'WS upgrade for an unknown bot is refused with 404',
    ws: { bot: 'nobody', as: 'alice' },
    status: 404,
    code: 'SWY_ERR_BOT_NOT_FOUND',
    message: 'No bot with id "nobody"',
  },
  ...(
    [
      ['a frame that is not JSON', 'not json'],
      ['a truncated JSON frame', '{"type":"message","text":'],
      ['an empty text frame', ''],
      ['a binary frame (even of valid JSON)', Buffer.from('{"type":"message","text":"hi"}')],
    ] as const
  ).map(([what, frame]): WsCase => ({
    name: `WS ${what} gets a SWY_ERR_MALFORMED_JSON frame and the socket stays open`,
    ws: { bot: 'echo', as: 'alice', frame },
    status: 101,
    code: 'SWY_ERR_MALFORMED_JSON',
  })),
  ...(
    [
      [
        'an unknown field',
        { type: 'message', text: 'hi', extra: true },
        [detail('/body/extra', 'is not allowed')],
      ],
      [
        'an unknown type',
        { type: 'ping', text: 'hi' },
        [detail('/body/type', 'must be equal to constant')],
      ],
      [
        'no text',
        { type: 'message' },
        [detail('/body/text', "must have required property 'text'")],
      ],
      ['a JSON array', [], MUST_BE_OBJECT],
      [
        'a conversationId that is not a UUID',
        { type: 'message', text: 'hi', conversationId: 'abc' },
        [detail('/body/conversationId', UUID_FORMAT)],
      ],
    ] as const
  ).map(([what, frame, details]): WsCase => ({
    name: `WS a frame with ${what} gets a SWY_ERR_VALIDATION frame and the socket stays open`,
    ws: { bot: 'echo', as: 'alice', frame: JSON.stringify(frame) },
    status: 101,
    code: V,
    details,
  })),
  {
    name: 'WS a frame over BODY_LIMIT_BYTES closes the socket with 1009',
    ws: {
      bot: 'echo',
      as: 'alice',
      frame: JSON.stringify({ type: 'message', text: 'x'.repeat(BODY_LIMIT_BYTES + 100) }),
    },
    status: 101,
    closeCode: 1009,
  },

  // ── Last: an expired token (the runner waits for its expiry) ────────────────────────────
  {
    name: 'GET /v1/bots with an expired token is 401 SWY_ERR_AUTH_REQUIRED',
    method: 'GET',
    path: '/v1/bots',
    as: 'expired',
    route: 'listBots',
    status: 401,
    code: 'SWY_ERR_AUTH_REQUIRED',
  },
];

/** The config's minimum session lifetime: the expired-token case waits this out. */
const SESSION_TTL_SECONDS = 60;
/** Every request and WebSocket step must be answered within this, or the case fails. */
const ANSWER_WITHIN_MS = 5_000;

function resolve<T>(value: Dyn<T>, ctx: Context): T {
  return typeof value === 'function' ? (value as (ctx: Context) => T)(ctx) : value;
}

function tokenOf(who: Who, ctx: Context): string {
  switch (who) {
    case 'alice':
      return ctx.alice.token;
    case 'bob':
      return ctx.bob.token;
    case 'loggedOut':
      return ctx.loggedOutToken;
    case 'expired':
      return ctx.expiringToken;
  }
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer to ${what} within ${ANSWER_WITHIN_MS} ms`)),
      ANSWER_WITHIN_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The exact envelope: the code, the catalogue's (or the case's) message, and the details. */
function expectEnvelope(body: unknown, expected: Expectation, seen: string): void {
  const code = expected.code!;
  const message = expected.message ?? errorCatalog[code].message;
  if (expected.details) {
    expect(body, `envelope (got ${seen})`).toEqual(envelope(code, message, expected.details));
  } else if (code === V) {
    expect(body, `envelope (got ${seen})`).toEqual({
      error: { code, message, details: expect.any(Array) },
    });
    const details = (body as { error: { details: unknown[] } }).error.details;
    expect(details.length, 'at least one detail').toBeGreaterThan(0);
    for (const item of details) {
      expect(item).toEqual({
        // A JSON pointer into the request, or '' for the whole input (ErrorDetail).
        path: expect.stringMatching(/^(\/(body|query|params)(\/.*)?)?$/),
        message: expect.any(String),
      });
    }
  } else {
    expect(body, `envelope (got ${seen})`).toEqual(envelope(code, message));
  }
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'options';

async function sendHttp(c: HttpCase, ctx: Context, url: string): Promise<Response> {
  const method = c.method.toLowerCase() as Method;
  const req = request(url)[method](resolve(c.path, ctx)).timeout(ANSWER_WITHIN_MS);
  if (c.as) req.set('Authorization', `Bearer ${tokenOf(c.as, ctx)}`);
  for (const [name, value] of Object.entries(resolve(c.headers ?? {}, ctx))) req.set(name, value);
  if (c.body !== undefined) {
    const body = resolve(c.body, ctx);
    const contentType = c.contentType === undefined ? 'application/json' : c.contentType;
    if (contentType !== null) req.set('Content-Type', contentType);
    req.send(typeof body === 'string' ? body : JSON.stringify(body));
    // superagent adds a form Content-Type to a string body; take it off again.
    if (contentType === null) req.unset('Content-Type');
  }
  return await req;
}

function expectHttp(c: HttpCase, res: Response, ctx: Context): void {
  const seen = `${res.status} ${(res.text ?? '').slice(0, 300)}`;
  expect(res.status, `never a 5xx (got ${seen})`).toBeLessThan(500);
  expect(res.status, `status (got ${seen})`).toBe(c.status);
  if (c.code) {
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expectEnvelope(res.body, c, seen);
  } else if (c.reply) {
    expect(res.body).toMatchObject(resolve(c.reply, ctx));
  }
  if (c.allow !== undefined) expect(res.headers['allow'], 'Allow').toBe(c.allow);
  if (c.route) expectDocumented(c.route, res);
}

async function runWs(c: WsCase, ctx: Context, baseUrl: string): Promise<void> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/v1/bots/${c.ws.bot}/stream`;
  const headers: Record<string, string> = { ...c.ws.headers };
  if (c.ws.as) headers['Authorization'] = `Bearer ${tokenOf(c.ws.as, ctx)}`;
  const opened = await withTimeout(
    openSocket(url, { headers, protocols: c.ws.protocols ? [...c.ws.protocols] : undefined }).then(
      (socket): { socket: OpenSocket } => ({ socket }),
      (error: unknown): { refused: unknown } => ({ refused: error }),
    ),
    'the upgrade',
  );
  if (c.status !== 101) {
    if ('socket' in opened) {
      opened.socket.socket.terminate();
      expect.fail(`the upgrade was accepted; expected ${c.status} ${c.code}`);
    }
    const refused = opened.refused as Partial<RefusedUpgrade>;
    const seen = `${refused.status} ${JSON.stringify(refused.body ?? String(refused))}`;
    expect(refused.status, `never a 5xx (got ${seen})`).toBeLessThan(500);
    expect(refused.status, `status (got ${seen})`).toBe(c.status);
    expectEnvelope(refused.body, c, seen);
    return;
  }
  if ('refused' in opened) {
    const refused = opened.refused as Partial<RefusedUpgrade>;
    expect.fail(`the upgrade was refused: ${refused.status} ${JSON.stringify(refused.body)}`);
  }
  const s = opened.socket;
  try {
    // A string goes as a text frame, a Buffer as a binary frame.
    if (c.ws.frame !== undefined) s.socket.send(c.ws.frame);
    if (c.closeCode !== undefined) {
      expect(await s.closed()).toBe(c.closeCode);
      return;
    }
    const { type, ...rest }: Frame = await s.next();
    const seen = JSON.stringify({ type, ...rest }).slice(0, 300);
    expect(type, `an error frame (got ${seen})`).toBe('error');
    expectEnvelope(rest, c, seen);
    // "The connection stays open after an error frame."
    s.send({ type: 'message', text: 'still open' });
    expect((await s.untilDone()).at(-1)).toMatchObject({ type: 'done', text: 'echo: still open' });
  } finally {
    s.socket.terminate();
  }
}

const names = new Set(cases.map((c) => c.name));
if (names.size !== cases.length) throw new Error('bad-input: two cases share a name');

/**
 * Runs the bad-input table against one app on an embedded PGlite database, plus a second
 * instance with the shortest session lifetime for the expired-token case.
 */
export async function runBadInputSuite(subject: AppUnderTest): Promise<void> {
  const pglite = (await databaseTargets()).find((target) => target.kind === 'pglite');
  if (!pglite) throw new Error('bad-input: no PGlite database target');
  reportCases('bad input', subject.name, cases.length);

  describe(`${subject.name} bad input (${cases.length} cases)`, () => {
    let env: Environment | undefined;
    let shortTtl: Environment | undefined;
    let ctx: Context;

    async function account(url: string) {
      const credentials = buildCredentials();
      await request(url)
        .post('/v1/accounts')
        .send(credentials)
        .timeout(ANSWER_WITHIN_MS)
        .expect(201);
      const session = await request(url)
        .post('/v1/sessions')
        .send(credentials)
        .timeout(ANSWER_WITHIN_MS)
        .expect(201);
      return {
        ...credentials,
        token: session.body.token as string,
        expiresAt: session.body.expiresAt as string,
      };
    }

    beforeAll(async () => {
      // The short-lived instance first, so that its session's clock starts as early as possible.
      shortTtl = await startEnvironment(subject, pglite, {
        overrides: () => ({ SESSION_TTL_SECONDS: String(SESSION_TTL_SECONDS) }),
      });
      const expiring = await account(shortTtl.app.url);
      // The token works until it expires: the later 401 is the expiry's doing.
      await request(shortTtl.app.url)
        .get('/v1/bots')
        .set('Authorization', `Bearer ${expiring.token}`)
        .timeout(ANSWER_WITHIN_MS)
        .expect(200);

      env = await startEnvironment(subject, pglite);
      const url = env.app.url;
      const [alice, bob, leaver] = [await account(url), await account(url), await account(url)];
      await request(url)
        .delete('/v1/sessions/current')
        .set('Authorization', `Bearer ${leaver.token}`)
        .timeout(ANSWER_WITHIN_MS)
        .expect(204);
      const first = await request(url)
        .post('/v1/bots/echo/messages')
        .set('Authorization', `Bearer ${alice.token}`)
        .send({ text: 'first' })
        .timeout(ANSWER_WITHIN_MS)
        .expect(201);
      ctx = {
        alice,
        bob,
        loggedOutToken: leaver.token,
        aliceConversation: first.body.conversationId as string,
        expiringToken: expiring.token,
        expiresAt: expiring.expiresAt,
      };
    });
    afterAll(async () => {
      await env?.close();
      await shortTtl?.close();
    });

    for (const c of cases) {
      const waits = 'method' in c && c.as === 'expired';
      it(
        c.name,
        async () => {
          if ('ws' in c) return runWs(c, ctx, env!.app.url);
          let url = env!.app.url;
          if (c.as === 'expired') {
            url = shortTtl!.app.url;
            const wait = Date.parse(ctx.expiresAt) + 1_000 - Date.now();
            if (wait > 0) await new Promise((done) => setTimeout(done, wait));
          }
          expectHttp(c, await sendHttp(c, ctx, url), ctx);
        },
        waits ? (SESSION_TTL_SECONDS + 30) * 1_000 : undefined,
      );
    }

    it('still serves afterwards: /health, a sign-up, a log-in and a message', async () => {
      const url = env!.app.url;
      const health = await request(url).get('/health').timeout(ANSWER_WITHIN_MS);
      expect(health.status).toBe(200);
      expect(health.body).toEqual({ status: 'ok' });
      const someone = await account(url);
      const res = await request(url)
        .post('/v1/bots/echo/messages')
        .set('Authorization', `Bearer ${someone.token}`)
        .send({ text: 'after the storm' })
        .timeout(ANSWER_WITHIN_MS);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject(echoes('after the storm'));
    });
  });
}
