import { randomUUID } from 'node:crypto';
import {
  V,
  detail,
  fresh,
  PASSWORD,
  UNKNOWN_ID,
  USERNAME_PATTERN_MESSAGE,
  MUST_BE_OBJECT,
  UUID_FORMAT,
  ILL_FORMED,
  OVER_LIMIT,
  EMOJI,
  RTL,
  COMBINING,
  echoes,
  type HttpCase,
  type BadInputCase,
} from './case.js';

/** Request bodies: malformed JSON, content types, non-objects, missing, extra and mistyped fields, string lengths, Unicode, __proto__, sizes over BODY_LIMIT_BYTES. */
export const bodyCases: readonly BadInputCase[] = [
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
    details: [detail('/body/username', USERNAME_PATTERN_MESSAGE)],
  })),
  // Log-in usernames have no pattern (1-32 characters), but RFC 8265's UsernameCaseMapped
  // profile applies: a name with a code point outside its IdentifierClass (an emoji, a NUL, the
  // Kelvin sign) can belong to no account, and is a 400 on /body/username; a name of letters in
  // any script is only unknown, the one 401 of docs/errors.md.
  {
    name: 'POST /v1/sessions with right-to-left script in the username is 401 SWY_ERR_AUTH_INVALID_CREDENTIALS',
    method: 'POST',
    path: '/v1/sessions',
    body: { username: 'مرحبا', password: PASSWORD },
    route: 'createSession',
    status: 401,
    code: 'SWY_ERR_AUTH_INVALID_CREDENTIALS',
  },
  ...(
    [
      ['emoji', '😀😀😀', 'U+1F600'],
      ['a NUL byte', 'abc\u0000def', 'U+0000'],
      ['the Kelvin sign', '\u212Aelvin', 'U+212A'],
    ] as const
  ).map(([what, username, cp]): HttpCase => ({
    name: `POST /v1/sessions with ${what} in the username is 400 (RFC 8265 IdentifierClass)`,
    method: 'POST',
    path: '/v1/sessions',
    body: { username, password: PASSWORD },
    route: 'createSession',
    status: 400,
    code: V,
    details: [detail('/body/username', `must not contain the character ${cp}`)],
  })),
  // The password schema is any 8-128 characters, then RFC 8265's OpaqueString profile: letters,
  // symbols, punctuation and spaces of any script are kept (and the account is created)...
  ...(
    [
      ['emoji', '🔐🔑🗝🔒🔓🔏🛡🧩'],
      ['right-to-left script and combining marks', 'كلمة السر e\u0301\u0301 שלום'],
    ] as const
  ).map(([what, password]): HttpCase => ({
    name: `POST /v1/accounts with ${what} in the password is 201`,
    method: 'POST',
    path: '/v1/accounts',
    body: () => ({ username: fresh(), password }),
    route: 'createAccount',
    status: 201,
  })),
  // ...but controls and default-ignorable code points (a variation selector) are refused, and so
  // is a password from the common-password list.
  ...(
    [
      ['a NUL byte', 'pass\u0000word-long', 'must not contain the character U+0000'],
      ['a variation selector', '🛡\ufe0f shield me', 'must not contain the character U+FE0F'],
      ['a common password', 'password123', 'is a commonly used password'],
    ] as const
  ).map(([what, password, message]): HttpCase => ({
    name: `POST /v1/accounts with ${what} in the password is 400`,
    method: 'POST',
    path: '/v1/accounts',
    body: () => ({ username: fresh(), password }),
    route: 'createAccount',
    status: 400,
    code: V,
    details: [detail('/body/password', message)],
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

  // ...nor a lone surrogate: JSON.parse takes a "\ud800" escape, and the text would have been
  // stored as U+FFFD. Every string of every body is checked after parsing, in every app.
  ...(
    [
      ['a lone high surrogate', 'a\ud800b'],
      ['a lone low surrogate', 'a\udc00b'],
      ['a surrogate pair in the wrong order', '\udc00\ud800'],
    ] as const
  ).map(([what, text]): HttpCase => ({
    name: `POST /v1/bots/echo/messages with ${what} in the text is 400 SWY_ERR_VALIDATION`,
    method: 'POST',
    path: '/v1/bots/echo/messages',
    as: 'alice',
    body: { text },
    route: 'postMessage',
    status: 400,
    code: V,
    details: [detail('/body/text', ILL_FORMED)],
  })),
  {
    name: 'POST /v1/accounts with a lone surrogate in the password is 400 SWY_ERR_VALIDATION',
    method: 'POST',
    path: '/v1/accounts',
    body: () => ({ username: fresh(), password: 'long enough \ud800 password' }),
    route: 'createAccount',
    status: 400,
    code: V,
    details: [detail('/body/password', ILL_FORMED)],
  },
  {
    name: 'POST /v1/sessions with a lone surrogate in the username is 400 SWY_ERR_VALIDATION',
    method: 'POST',
    path: '/v1/sessions',
    body: { username: 'a\udfffb', password: PASSWORD },
    route: 'createSession',
    status: 400,
    code: V,
    details: [detail('/body/username', ILL_FORMED)],
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
];
