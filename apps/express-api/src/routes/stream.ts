import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError, allowedMethods, apiRoutes, toAppError } from '@switchyard/api-spec';
import { bots, streamConversation, type OutgoingFrame, type Principal } from '@switchyard/domain';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { AppContext } from '../context.js';

/** `/v1/bots/:botId/stream` (with the trailing slash Express would also accept). */
const STREAM_PATH = new RegExp(
  `^${apiRoutes.stream.path.replace(':botId', '([^/]+)').replaceAll('/', '\\/')}\\/?$`,
);

interface Session {
  readonly principal: Principal;
  readonly botId: string;
}

export interface StreamServer {
  /** Closes every open socket with `code` (1001 on shutdown); each goes once its peer answers. */
  closeAll(code: number, reason: string): void;
  /** Drops every socket at once, for when the peers do not answer the close. */
  terminateAll(): void;
}

/** The bearer token of an upgrade: the Authorization header, else `bearer, <token>` subprotocols. */
function authorization(req: IncomingMessage): { header?: string; token?: string } {
  if (req.headers.authorization) return { header: req.headers.authorization };
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const at = offered.indexOf('bearer');
  return { token: at === -1 ? undefined : offered[at + 1] };
}

/** An HTTP answer on the raw socket: the upgrade is refused with the usual JSON envelope. */
function refuse(socket: Duplex, error: AppError): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(error.toEnvelope());
  const headers: Record<string, string | number> = {
    ...error.headers,
    Connection: 'close',
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.end(
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}\r\n${head.join('')}\r\n${body}`,
    () => socket.destroy(),
  );
}

function frameText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/** Sends one frame and resolves once ws has written it: a slow client slows the bot down. */
function send(ws: WebSocket, frame: OutgoingFrame): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.send(JSON.stringify(frame), (error) => (error ? reject(error) : resolve()));
  });
}

// MIGRATION(websocket) before: ws wired by hand to the server's 'upgrade' event, auth and refusals written to the raw socket; see docs/migration-guide.md#websocket
export function attachStreamServer(server: Server, context: AppContext): StreamServer {
  const { config, services, validator, logger } = context;
  const log = logger.child({ component: 'ws' });
  const checkParams = validator.compile(apiRoutes.stream.schema.params, 'params');

  const wss = new WebSocketServer({
    noServer: true,
    // A frame over the body limit closes the connection with 1009.
    maxPayload: config.BODY_LIMIT_BYTES,
    // Browsers authenticate with the subprotocols ["bearer", "<token>"]; "bearer" is the answer.
    handleProtocols: (protocols) => (protocols.has('bearer') ? 'bearer' : false),
  });

  /** Everything that must hold before the 101: the path, the method, the token, the bot. */
  async function admit(req: IncomingMessage): Promise<Session> {
    // The raw path, as Express's req.path: new URL() would resolve `..` and read `//x` as a host.
    const pathname = (req.url ?? '/').split('?', 1)[0]!;
    const match = STREAM_PATH.exec(pathname);
    if (!match) throw new AppError('SWY_ERR_NOT_FOUND');
    if (req.method !== 'GET') {
      throw new AppError('SWY_ERR_METHOD_NOT_ALLOWED', {
        headers: { Allow: allowedMethods(pathname) },
      });
    }
    const { header, token } = authorization(req);
    const principal = header
      ? await services.accounts.authenticate(header)
      : await services.accounts.authenticateToken(token);
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
    if (!bots.has(botId)) {
      throw new AppError('SWY_ERR_BOT_NOT_FOUND', {
        message: `No bot with id ${JSON.stringify(botId)}`,
      });
    }
    return { principal, botId };
  }

  // #region guide:upgrade
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Until ws takes the socket over, a client that resets it must not crash the process.
    const onSocketError = (error: Error) => log.debug({ err: error }, 'Upgrade socket error');
    socket.on('error', onSocketError);
    admit(req).then(
      (session) => {
        socket.off('error', onSocketError);
        wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req, session));
      },
      (error: unknown) => {
        const refusal = toAppError(error);
        if (refusal.code === 'SWY_ERR_INTERNAL') log.error({ err: error }, 'Upgrade failed');
        refuse(socket, refusal);
      },
    );
  });
  // #endregion guide:upgrade

  wss.on('connection', (ws: WebSocket, _req: IncomingMessage, session: Session) => {
    const closed = new AbortController();
    ws.once('close', () => closed.abort());
    ws.on('error', (error) => log.debug({ err: error }, 'WebSocket error'));
    const conversation = streamConversation({
      chat: services.chat,
      validator,
      principal: session.principal,
      botId: session.botId,
      send: (frame) => send(ws, frame),
      signal: closed.signal,
      onError: (error, reported) => {
        if (reported.code === 'SWY_ERR_INTERNAL') log.error({ err: error }, 'Unhandled error');
      },
    });
    ws.on(
      'message',
      (data, isBinary) => void conversation.receive(isBinary ? null : frameText(data)),
    );
  });

  return {
    closeAll(code, reason) {
      for (const ws of wss.clients) ws.close(code, reason);
    },
    terminateAll() {
      for (const ws of wss.clients) ws.terminate();
    },
  };
}
