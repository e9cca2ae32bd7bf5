// Serves the sides of an Express 4 recipe on loopback: the Express 4 app, the Express 5 app
// and, where the recipe has one, the Fastify app, each on a port of its own.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import express4 from 'express4';
import type { FastifyInstance } from 'fastify';

/**
 * Express 4's module typed as Express 5's, for code that runs on both versions unchanged
 * (the recipes add the same routes to each and compare the answers).
 */
export const express4AsExpress = express4 as unknown as typeof express;

export interface ServedSides {
  readonly express4: string;
  readonly express5: string;
  /** Empty when the recipe has no Fastify side. */
  readonly fastify: string;
  close(): Promise<void>;
}

/** An Express 4 or an Express 5 app: both listen the same way. */
export interface Listener {
  listen(port: number, host: string): Server;
}

export async function listen(app: Listener) {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export async function serveSides(sides: {
  express4: Listener;
  express5: Listener;
  fastify?: FastifyInstance;
}): Promise<ServedSides> {
  const four = await listen(sides.express4);
  const five = await listen(sides.express5);
  const fastify = sides.fastify ? await sides.fastify.listen({ port: 0, host: '127.0.0.1' }) : '';
  return {
    express4: four.url,
    express5: five.url,
    fastify,
    async close() {
      await four.close();
      await five.close();
      await sides.fastify?.close();
    },
  };
}
