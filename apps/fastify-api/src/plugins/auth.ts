import type { FastifyPluginAsync, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { Principal } from '@switchyard/domain';
import { upgradeToken } from '@switchyard/http-kit';

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
    // Else the `bearer, <token>` subprotocols of a WebSocket upgrade (browsers set no headers).
    const token = header === undefined ? upgradeToken(request.headers) : undefined;
    const principal =
      token === undefined
        ? await accounts.authenticate(header)
        : await accounts.authenticateToken(token);
    principals.set(request, principal);
  });
  // #endregion guide:authenticate
};

export default fp(authPlugin, { name: 'auth', fastify: '5.x', dependencies: ['services'] });
