// Recipe: `express-ws` in Express, `@fastify/websocket` in Fastify
// (docs/recipes/validation.md#websocket).
import express from 'express';
import expressWs from 'express-ws';
import Fastify from 'fastify';
import fastifyWebsocket from '@fastify/websocket';
import type { RecipePair } from '../harness.js';

export const websocketRecipe: RecipePair = {
  express() {
    const app = express();
    // #region guide:websocket-express
    // express-ws patches app.listen, so the upgrade handler joins the server it creates.
    const { app: wsApp } = expressWs(app);
    wsApp.ws('/echo', (socket) => {
      socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
    });
    // #endregion guide:websocket-express
    return app;
  },
  async fastify() {
    const app = Fastify();
    // #region guide:websocket-fastify
    await app.register(fastifyWebsocket);
    app.get('/echo', { websocket: true }, (socket) => {
      socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
    });
    // #endregion guide:websocket-fastify
    return app;
  },
};
