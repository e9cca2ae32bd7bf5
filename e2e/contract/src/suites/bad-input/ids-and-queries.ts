import {
  V,
  detail,
  b64,
  UNKNOWN_ID,
  BAD_URL,
  UUID_FORMAT,
  URN_UUID,
  type HttpCase,
  type BadInputCase,
} from './case.js';

/** Path and query parameters: conversation ids, cursors, limits, unknown parameters, bot ids. */
export const idAndQueryCases: readonly BadInputCase[] = [
  // ── Invalid and unknown conversation ids ────────────────────────────────────────────────
  ...(
    [
      ['not-a-uuid', 'not-a-uuid'],
      ['a UUID with a "g"', '0000000g-0000-0000-0000-000000000000'],
      ['a UUID without hyphens', '0123456789abcdef0123456789abcdef'],
      // ajv-formats' `uuid` takes the URN form; PostgreSQL refused it with a 500.
      ['a urn:uuid: id', URN_UUID],
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
      ['a urn:uuid: id', URN_UUID],
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
  // messages.seq is a PostgreSQL integer: a seq past 2^31 - 1 was never handed out, and it
  // overflowed the column with a 500.
  ...(
    [
      ['seq 2^31', b64(`{"seq":${2 ** 31}}`)],
      ['seq "2147483648" as text', b64('{"seq":"2147483648"}')],
      ['seq 2^53', b64(`{"seq":${2 ** 53}}`)],
    ] as const
  ).map(([what, cursor]): HttpCase => ({
    name: `GET /v1/conversations/:id/messages with a cursor past the seq column (${what}) is 400 SWY_ERR_INVALID_CURSOR`,
    method: 'GET',
    path: (c) => `/v1/conversations/${c.aliceConversation}/messages?cursor=${cursor}`,
    as: 'alice',
    route: 'listMessages',
    status: 400,
    code: 'SWY_ERR_INVALID_CURSOR',
  })),
  {
    name: 'GET /v1/conversations/:id/messages with a cursor at the seq column bound (2^31 - 1) is 200, an empty page',
    method: 'GET',
    path: (c) =>
      `/v1/conversations/${c.aliceConversation}/messages?cursor=${b64(`{"seq":${2 ** 31 - 1}}`)}`,
    as: 'alice',
    route: 'listMessages',
    status: 200,
    reply: { messages: [], nextCursor: null },
  },
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
];
