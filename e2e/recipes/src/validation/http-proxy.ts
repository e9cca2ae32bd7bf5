// Recipe: `http-proxy-middleware` in Express, `@fastify/http-proxy` in Fastify
// (docs/recipes/validation.md#http-proxy): /api/* forwarded to an upstream's /v1/*, with a
// header added on the way.
import express from 'express';
import Fastify from 'fastify';
import fastifyHttpProxy from '@fastify/http-proxy';
import { createProxyMiddleware } from 'http-proxy-middleware';
import type { RecipePair } from '../harness.js';

export function httpProxyRecipe(upstream: string): RecipePair {
  return {
    express() {
      const app = express();
      // #region guide:http-proxy-express
      // No body parser before the proxy: one would read the body the proxy has to stream.
      app.use(
        '/api',
        createProxyMiddleware({
          target: upstream,
          changeOrigin: true,
          // Express has already cut "/api" from req.url; put the upstream's prefix on.
          pathRewrite: (path) => `/v1${path}`,
          headers: { 'x-proxied-by': 'switchyard' },
        }),
      );
      // #endregion guide:http-proxy-express
      return app;
    },
    async fastify() {
      const app = Fastify();
      // #region guide:http-proxy-fastify
      await app.register(fastifyHttpProxy, {
        upstream,
        prefix: '/api',
        rewritePrefix: '/v1',
        replyOptions: {
          rewriteRequestHeaders: (_request, headers) => ({
            ...headers,
            'x-proxied-by': 'switchyard',
          }),
        },
      });
      // #endregion guide:http-proxy-fastify
      return app;
    },
  };
}
