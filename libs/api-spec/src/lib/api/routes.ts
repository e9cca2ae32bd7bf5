import { Type, type Static, type TSchema } from 'typebox';
import {
  AccountSchema,
  BotIdParamsSchema,
  BotListSchema,
  ConversationIdParamsSchema,
  ConversationPageSchema,
  CreateAccountBodySchema,
  CreateSessionBodySchema,
  CursorQuerySchema,
  ErrorEnvelopeSchema,
  HealthSchema,
  MessagePageSchema,
  PostMessageBodySchema,
  PostMessageHeadersSchema,
  PostMessageResponseSchema,
  ReadySchema,
  SessionSchema,
} from '../schemas/index.js';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface RouteSchema {
  readonly params?: TSchema;
  readonly querystring?: TSchema;
  /**
   * Request headers the route reads, for the OpenAPI document only: the route's handler checks
   * them itself (e.g. idempotencyKeyOf), the same in both apps.
   */
  readonly headers?: TSchema;
  readonly body?: TSchema;
  /** Every status the route can answer with, and its body. */
  readonly response: Readonly<Record<number, TSchema>>;
}

export interface ApiRoute {
  readonly method: HttpMethod;
  /** Express/Fastify style: `/v1/bots/:botId/messages`, `*` for the rest of the path. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: 'health' | 'accounts' | 'bots' | 'conversations' | 'proxy' | 'stream';
  /** Needs `Authorization: Bearer <token>`. */
  readonly auth: boolean;
  /**
   * Limited to RATE_LIMIT_MAX requests per client and RATE_LIMIT_WINDOW_MS (429 with
   * Retry-After past it): the routes that run scrypt for anyone, logged in or not.
   */
  readonly rateLimited?: boolean;
  readonly schema: RouteSchema;
}

const E = ErrorEnvelopeSchema;

/** Errors any route can answer with: rate limit, a bug, the database down. */
const common = { 429: E, 500: E, 503: E } as const;
/** Plus, for routes behind the auth step. */
const authed = { ...common, 401: E } as const;
/** Plus, for routes that take a JSON body. */
const withBody = { 400: E, 413: E, 415: E } as const;

/**
 * The API, once: both apps register these paths with these schemas, and the OpenAPI document
 * is rendered from this table, so the two apps and the document cannot drift apart.
 */
export const apiRoutes = {
  health: {
    method: 'GET',
    path: '/health',
    operationId: 'getHealth',
    summary: 'Liveness: the process is up',
    tag: 'health',
    auth: false,
    schema: { response: { 200: HealthSchema, ...common } },
  },
  ready: {
    method: 'GET',
    path: '/ready',
    operationId: 'getReady',
    summary: 'Readiness: the database answers (else 503)',
    tag: 'health',
    auth: false,
    schema: { response: { 200: ReadySchema, ...common } },
  },
  createAccount: {
    method: 'POST',
    path: '/v1/accounts',
    operationId: 'createAccount',
    summary: 'Create an account',
    tag: 'accounts',
    auth: false,
    rateLimited: true,
    schema: {
      body: CreateAccountBodySchema,
      response: { 201: AccountSchema, ...withBody, 409: E, ...common },
    },
  },
  createSession: {
    method: 'POST',
    path: '/v1/sessions',
    operationId: 'createSession',
    summary: 'Log in: trade a username and password for a bearer token',
    tag: 'accounts',
    auth: false,
    rateLimited: true,
    schema: {
      body: CreateSessionBodySchema,
      response: { 201: SessionSchema, ...withBody, 401: E, ...common },
    },
  },
  deleteSession: {
    method: 'DELETE',
    path: '/v1/sessions/current',
    operationId: 'deleteCurrentSession',
    summary: 'Log out: end the session of the bearer token',
    tag: 'accounts',
    auth: true,
    schema: { response: { 204: Type.Null(), ...authed } },
  },
  deleteAllSessions: {
    method: 'DELETE',
    path: '/v1/sessions',
    operationId: 'deleteAllSessions',
    summary: "Log out everywhere: end every session of the bearer token's account",
    description:
      "Ends all of the account's sessions, the caller's own included: every token of the account answers 401 afterwards.",
    tag: 'accounts',
    auth: true,
    schema: { response: { 204: Type.Null(), ...authed } },
  },
  listBots: {
    method: 'GET',
    path: '/v1/bots',
    operationId: 'listBots',
    summary: 'The bots in the registry',
    tag: 'bots',
    auth: true,
    schema: { response: { 200: BotListSchema, ...authed } },
  },
  postMessage: {
    method: 'POST',
    path: '/v1/bots/:botId/messages',
    operationId: 'postMessage',
    summary: "Send a message to a bot; the message and the bot's reply are stored",
    description:
      'Starts a conversation, or continues the one named by conversationId. Both messages are stored before the response is sent. With an Idempotency-Key header, a retry with the same key and body within IDEMPOTENCY_TTL_SECONDS gets the first answer (201, same ids) and stores nothing; the same key with another body is 422, and while the first request is still in flight 409 (a claim left unanswered for IDEMPOTENCY_LEASE_MS, its process gone, is taken over by the next retry). Each account may post MESSAGE_RATE_MAX messages per MESSAGE_RATE_WINDOW_MS (WebSocket message frames included); a replay spends none.',
    tag: 'bots',
    auth: true,
    schema: {
      params: BotIdParamsSchema,
      headers: PostMessageHeadersSchema,
      body: PostMessageBodySchema,
      response: {
        201: PostMessageResponseSchema,
        ...withBody,
        404: E,
        409: E,
        422: E,
        ...authed,
        502: E,
        504: E,
      },
    },
  },
  listConversations: {
    method: 'GET',
    path: '/v1/conversations',
    operationId: 'listConversations',
    summary: "The caller's conversations, newest first",
    tag: 'conversations',
    auth: true,
    schema: {
      querystring: CursorQuerySchema,
      response: { 200: ConversationPageSchema, 400: E, ...authed },
    },
  },
  listMessages: {
    method: 'GET',
    path: '/v1/conversations/:id/messages',
    operationId: 'listMessages',
    summary: "A conversation's messages, oldest first",
    tag: 'conversations',
    auth: true,
    schema: {
      params: ConversationIdParamsSchema,
      querystring: CursorQuerySchema,
      response: { 200: MessagePageSchema, 400: E, 404: E, ...authed },
    },
  },
  proxy: {
    method: 'GET',
    path: '/v1/proxy/:service/*',
    operationId: 'proxyGet',
    summary: 'Forward a GET to a configured upstream service',
    description:
      'Only services named in the configuration are reachable, and of each only the methods (GET and HEAD by default) and path prefixes it opens (403 for another path, 405 for another method); the client never chooses the host. The server adds the credentials configured for the service and forwards the rest of the path and the query string. Only content-negotiation, conditional, range and User-Agent headers are forwarded; the server sets X-Forwarded-For and Forwarded itself. A response body over the configured maximum is a 502 (or cut off, once streaming has begun); too many calls in flight for one account is a 429.',
    tag: 'proxy',
    auth: true,
    schema: {
      params: Type.Object({ service: Type.String(), '*': Type.String() }),
      response: { 200: Type.Unknown(), 403: E, 404: E, 405: E, ...authed, 502: E, 504: E },
    },
  },
  stream: {
    method: 'GET',
    path: '/v1/bots/:botId/stream',
    operationId: 'streamMessages',
    summary: 'WebSocket: talk to a bot and receive the reply in chunks',
    description:
      'Upgrade to a WebSocket. Authenticate with the Authorization header, or from a browser with the subprotocol list ["bearer", "<token>"] (browsers cannot set headers on a WebSocket). Send {"type":"message","text":"..."}; receive {"type":"chunk"} frames, then {"type":"done"} with the stored ids, or {"type":"error"} with the error envelope. An account holds at most WS_MAX_SOCKETS_PER_ACCOUNT open sockets (one more upgrade: 429). Close codes: 1008 when more messages wait for their answer than WS_MAX_QUEUED_FRAMES or WS_MAX_QUEUED_BYTES allow, 1009 for a frame over the body limit, 4401 when the session ends (logout or expiry), 1001 on shutdown; a socket that misses a ping is dropped without a close frame.',
    tag: 'stream',
    auth: true,
    schema: {
      params: BotIdParamsSchema,
      response: { 101: Type.Null(), 400: E, 404: E, ...authed },
    },
  },
} as const satisfies Record<string, ApiRoute>;

export type ApiRouteName = keyof typeof apiRoutes;

/**
 * The TypeScript type of one checked request part of a route, from its schema (`undefined` when
 * the route has none). fastify-api gets the same types from the TypeBox type provider.
 */
export type RoutePart<
  Route extends ApiRoute,
  Part extends 'params' | 'querystring' | 'body',
> = Route['schema'] extends { readonly [P in Part]: infer Schema extends TSchema }
  ? Static<Schema>
  : undefined;
