import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError, allowedMethods, apiRoutes, toAppError } from '@switchyard/api-spec';
import { serveStream, type Principal, type SocketLease } from '@switchyard/domain';
import {
  decodeUnreserved,
  logError,
  selectSubprotocol,
  upgradeRequired,
  upgradeToken,
} from '@switchyard/http-kit';
import { Router } from 'express';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AppContext, RouteContext } from '../context.js';
import { fromTable } from '../lib/api-route.js';
import { requestIdOf } from '../middleware/request-id.js';
import { SECURITY_HEADERS } from '../middleware/security-headers.js';
import { validated } from '../middleware/validation.js';

/** `/v1/bots/:botId/stream` (with the trailing slash Express would also accept). */
const STREAM_PATH = new RegExp(
  `^${apiRoutes.stream.path.replace(':botId', '([^/]+)').replaceAll('/', '\\/')}\\/?$`,
);

interface Session {
  readonly principal: Principal;
  readonly botId: string;
  /** The socket's place among the account's WS_MAX_SOCKETS_PER_ACCOUNT. */
  readonly lease: SocketLease;
}

export interface StreamServer {
  /** Closes every open socket with `code` (1001 on shutdown); each goes once its peer answers. */
  closeAll(code: number, reason: string): void;
  /** Drops every socket at once, for when the peers do not answer the close. */
  terminateAll(): void;
}

/**
 * An HTTP answer on the raw socket: the upgrade is refused with the usual JSON envelope and the
 * headers every response carries (helmet's, `x-request-id`), as Express would have sent them.
 */
function refuse(req: IncomingMessage, socket: Duplex, error: AppError): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(error.toEnvelope());
  const headers: Record<string, string | number> = {
    'x-request-id': requestIdOf(req.headers['x-request-id']),
    ...SECURITY_HEADERS,
    ...error.headers,
    Connection: 'close',
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  // A HEAD answer has the headers of the body it does not send (RFC 9110 §9.3.2).
  const text = req.method === 'HEAD' ? '' : body;
  socket.end(
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}\r\n${head.join('')}\r\n${text}`,
    () => socket.destroy(),
  );
}

/**
 * The stream route's plain HTTP side. An upgrade never reaches Express (attachStreamServer
 * takes it on the server's 'upgrade' event), so a request that gets here came without one: the
 * same checks as the upgrade, in the same order (token, params, bot), then 400.
 */
export function streamRoutes(routes: RouteContext): Router {
  const router = Router({ caseSensitive: true });
  router.get(apiRoutes.stream.path, ...fromTable(routes, apiRoutes.stream), (_req, res) => {
    routes.services.chat.requireBot(validated(res, apiRoutes.stream).params.botId);
    throw upgradeRequired();
  });
  return router;
}

// MIGRATION(websocket) before: ws wired by hand to the server's 'upgrade' event, auth and refusals written to the raw socket; see docs/case-study.md#websocket
export function attachStreamServer(server: Server, context: AppContext): StreamServer {
  const { config, services, validator, logger } = context;
  const log = logger.child({ component: 'ws' });
  const checkParams = validator.compile(apiRoutes.stream.schema.params, 'params');

  const wss = new WebSocketServer({
    noServer: true,
    // A frame over the body limit closes the connection with 1009.
    maxPayload: config.BODY_LIMIT_BYTES,
    // Browsers authenticate with the subprotocols ["bearer", "<token>"]; "bearer" is the answer.
    handleProtocols: selectSubprotocol,
  });

  /** Everything that must hold before the 101: the path, the method, the token, the bot. */
  async function admit(req: IncomingMessage): Promise<Session> {
    // The raw path, as Express's req.path: new URL() would resolve `..` and read `//x` as a host.
    // Encoded unreserved characters decoded first, as for every other route (unreservedPath).
    const pathname = decodeUnreserved(req.url ?? '/').split('?', 1)[0]!;
    const match = STREAM_PATH.exec(pathname);
    if (!match) throw new AppError('SWY_ERR_NOT_FOUND');
    if (req.method !== 'GET') {
      throw new AppError('SWY_ERR_METHOD_NOT_ALLOWED', {
        headers: { Allow: allowedMethods(pathname) },
      });
    }
    // The Authorization header, else the `bearer, <token>` subprotocols (browsers set no headers).
    const header = req.headers.authorization;
    const principal =
      header === undefined
        ? await services.accounts.authenticateToken(upgradeToken(req.headers))
        : await services.accounts.authenticate(header);
    let botId: string;
    try {
      botId = decodeURIComponent(match[1]!);
    } catch {
      throw new AppError('SWY_ERR_VALIDATION', {
        details: [{ path: '', message: 'the URL path is not valid percent-encoding' }],
      });
    }
    const params = checkParams({ botId });
    if ('error' in params) throw params.error;
    services.chat.requireBot(botId);
    // Last, so that only an upgrade that will be accepted takes a place (429 past the cap).
    const lease = services.sockets.reserve(principal, config.WS_MAX_SOCKETS_PER_ACCOUNT);
    return { principal, botId, lease };
  }

  // #region guide:upgrade
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Until ws takes the socket over, a client that resets it must not crash the process.
    const onSocketError = (error: Error) => log.debug({ err: error }, 'Upgrade socket error');
    socket.on('error', onSocketError);
    admit(req).then(
      (session) => {
        socket.off('error', onSocketError);
        // Also when ws refuses the handshake itself (a bad Sec-WebSocket-Key) and never upgrades,
        // and at once when the client left while it was being authenticated.
        socket.once('close', session.lease.release);
        if (socket.destroyed) session.lease.release();
        wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req, session));
      },
      (error: unknown) => {
        const refusal = toAppError(error);
        logError(log, error, refusal);
        refuse(req, socket, refusal);
      },
    );
  });
  // #endregion guide:upgrade

  wss.on('connection', (ws: WebSocket, _req: IncomingMessage, session: Session) => {
    ws.on('error', (error) => log.debug({ err: error }, 'WebSocket error'));
    serveStream(ws, {
      chat: services.chat,
      validator,
      principal: session.principal,
      botId: session.botId,
      lease: session.lease,
      bounds: config,
      onError: (error, reported) => logError(log, error, reported),
    });
  });

  return {
    closeAll(code, reason) {
      for (const ws of wss.clients) ws.close(code, reason);
    },
    terminateAll() {
      for (const ws of wss.clients) ws.terminate();
      services.sockets.clear();
    },
  };
}
