import { BODY_LIMIT_BYTES } from '@switchyard/testing';
import {
  V,
  detail,
  ILL_FORMED,
  MUST_BE_OBJECT,
  URN_UUID,
  UUID_FORMAT,
  type WsCase,
  type BadInputCase,
} from './case.js';

/** WebSocket /v1/bots/:botId/stream: refused upgrades, bad frames, the frame limit. */
export const webSocketCases: readonly BadInputCase[] = [
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
      [
        'a urn:uuid: conversationId',
        { type: 'message', text: 'hi', conversationId: URN_UUID },
        [detail('/body/conversationId', UUID_FORMAT)],
      ],
      // JSON.stringify writes a lone surrogate as a \ud800 escape, which JSON.parse takes back.
      [
        'a lone surrogate in the text',
        { type: 'message', text: 'a\ud800b' },
        [detail('/body/text', ILL_FORMED)],
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
];
