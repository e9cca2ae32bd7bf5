import type { FastifyPluginAsync, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { Principal } from '@switchyard/domain';

declare module 'fastify' {
  interface FastifyInstance {
    /** The onRequest hook of every `auth: true` route, WebSocket upgrades included. */
    readonly authenticate: onRequestAsyncHookHandler;
  }
  interface FastifyRequest {
    /** The caller; only routes behind `authenticate` may read it. */
    readonly principal: Principal;
  }
}

/** The subprotocol a browser names to carry its token: `Sec-WebSocket-Protocol: bearer, <token>`. */
export const BEARER_SUBPROTOCOL = 'bearer';

/** The token from `bearer, <token>` on a WebSocket upgrade (browsers cannot set headers there). */
function subprotocolToken(request: FastifyRequest): string | undefined {
  const upgrade = request.headers.upgrade;
  const offered = request.headers['sec-websocket-protocol'];
  if (upgrade?.toLowerCase() !== 'websocket' || typeof offered !== 'string') return undefined;
  const [scheme, token, ...more] = offered.split(',').map((part) => part.trim());
  return scheme === BEARER_SUBPROTOCOL && token && more.length === 0 ? token : undefined;
}

const authPlugin: FastifyPluginAsync = async (app) => {
  const principals = new WeakMap<FastifyRequest, Principal>();

  app.decorateRequest('principal', {
    getter(this: FastifyRequest): Principal {
      const principal = principals.get(this);
      // A programming error (a route reads the caller without the hook), so a plain 500.
      if (!principal) throw new Error('request.principal read on a route without authenticate');
      return principal;
    },
  });

  // #region guide:authenticate
  const { accounts } = app.services;
  app.decorate('authenticate', async function authenticate(request: FastifyRequest) {
    // onRequest: runs before the body is read, and before a WebSocket upgrade is accepted.
    const header = request.headers.authorization;
    const token = header === undefined ? subprotocolToken(request) : undefined;
    const principal =
      token === undefined
        ? await accounts.authenticate(header)
        : await accounts.authenticateToken(token);
    principals.set(request, principal);
  });
  // #endregion guide:authenticate
};

export default fp(authPlugin, { name: 'auth', fastify: '5.x', dependencies: ['services'] });
