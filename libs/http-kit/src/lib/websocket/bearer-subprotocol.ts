import type { IncomingHttpHeaders } from 'node:http';

/** The subprotocol a browser names to carry its token: `new WebSocket(url, ['bearer', token])`. */
export const BEARER_SUBPROTOCOL = 'bearer';

/**
 * The token of `["bearer", "<token>"]`, exactly those two items in that order, else undefined.
 * That is what a browser sends, and the one list with a single reading: taking "the item after
 * `bearer`" anywhere in a longer list would let `bearer, chat.v2, <token>` try `chat.v2` as the
 * token, and lets two components (a gateway that redacts, this server) disagree on which item
 * is the secret. A list with anything else in it is no token at all, so the upgrade is a 401.
 */
export function bearerSubprotocolToken(offered: Iterable<string>): string | undefined {
  const [scheme, token, ...more] = [...offered].map((item) => item.trim());
  return scheme === BEARER_SUBPROTOCOL && token && more.length === 0 ? token : undefined;
}

/**
 * The token a WebSocket upgrade carries in `Sec-WebSocket-Protocol` (browsers cannot set an
 * Authorization header there); undefined for a request that is not an upgrade.
 */
export function upgradeToken(headers: IncomingHttpHeaders): string | undefined {
  const offered = headers['sec-websocket-protocol'];
  if (headers.upgrade?.toLowerCase() !== 'websocket' || typeof offered !== 'string') {
    return undefined;
  }
  return bearerSubprotocolToken(offered.split(','));
}

/**
 * ws's `handleProtocols`: answer `bearer` to the list that carried the token (never echo the
 * token back), and no subprotocol to anything else.
 */
export function selectSubprotocol(offered: ReadonlySet<string>): string | false {
  return bearerSubprotocolToken(offered) === undefined ? false : BEARER_SUBPROTOCOL;
}
