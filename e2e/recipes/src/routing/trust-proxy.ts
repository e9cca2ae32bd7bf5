// Recipe: `app.set('trust proxy')` and `req.ip` as Fastify's `trustProxy` and `request.ip`
// (docs/recipes/routing.md#trust-proxy).
import express from 'express';
import Fastify from 'fastify';

/** The proxy in front of the app runs on the same host; trust loopback and nothing else. */
export const PROXIES = 'loopback';

export function buildTrustProxyExpress(trusted: boolean) {
  const app = express();
  // #region guide:trust-proxy-express
  if (trusted) app.set('trust proxy', PROXIES);
  app.get('/whoami', (req, res) => {
    res.json({ ip: req.ip, ips: req.ips, host: req.host, protocol: req.protocol });
  });
  // #endregion guide:trust-proxy-express
  return app;
}

export function buildTrustProxyFastify(trusted: boolean) {
  // #region guide:trust-proxy-fastify
  const app = Fastify(trusted ? { trustProxy: PROXIES } : {});
  app.get('/whoami', async (request) => ({
    ip: request.ip,
    ips: request.ips,
    host: request.host,
    protocol: request.protocol,
  }));
  // #endregion guide:trust-proxy-fastify
  return app;
}
