// Recipe: `helmet` in Express, `@fastify/helmet` in Fastify (docs/recipes/security.md#helmet).
import { randomBytes } from 'node:crypto';
import express from 'express';
import helmet from 'helmet';
import Fastify from 'fastify';
import fastifyHelmet from '@fastify/helmet';
import type { RecipePair } from '../harness.js';

/** A page with an inline script, as Swagger UI's index page has: CSP blocks it without a nonce. */
export function page(nonce: string): string {
  return `<!doctype html><script nonce="${nonce}">window.ready = true</script>`;
}

export const helmetRecipe: RecipePair = {
  express() {
    const app = express();
    // #region guide:helmet-express
    // These routes answer before the global `helmet()` below runs: Express has no per-route
    // options, so a route with other headers gets its own instance, ahead of the global one.
    app.get('/widget', helmet({ frameguard: false }), (_req, res) => {
      res.json({ embeddable: true });
    });
    app.get(
      '/page',
      (_req, res, next) => {
        res.locals['cspNonce'] = randomBytes(16).toString('base64');
        next();
      },
      helmet({
        contentSecurityPolicy: {
          directives: {
            scriptSrc: [
              "'self'",
              (_req, res) => `'nonce-${(res as express.Response).locals['cspNonce']}'`,
            ],
          },
        },
      }),
      (_req, res) => {
        res.type('html').send(page(res.locals['cspNonce']));
      },
    );
    app.use(helmet());
    app.get('/items', (_req, res) => {
      res.json({ items: [] });
    });
    // #endregion guide:helmet-express
    return app;
  },
  async fastify() {
    const app = Fastify();
    // #region guide:helmet-fastify
    await app.register(fastifyHelmet);
    app.get('/widget', { helmet: { frameguard: false } }, async () => ({ embeddable: true }));
    // The plugin makes a nonce per reply for script-src and style-src: `reply.cspNonce`.
    app.get('/page', { helmet: { enableCSPNonces: true } }, async (_request, reply) =>
      reply.type('text/html').send(page(reply.cspNonce.script)),
    );
    app.get('/items', async () => ({ items: [] }));
    // #endregion guide:helmet-fastify
    return app;
  },
};
