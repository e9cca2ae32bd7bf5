// Serves a recipe's two sides on loopback for one test file: the Express app and the Fastify
// app each on a port of their own, so that every assertion runs against both by URL.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Express } from 'express';
import type { FastifyInstance } from 'fastify';

/** A recipe: the Express app with the real middleware, the Fastify app with the real plugin. */
export interface RecipePair {
  readonly express: () => Express | Promise<Express>;
  readonly fastify: () => FastifyInstance | Promise<FastifyInstance>;
}

export interface Side {
  readonly name: 'express' | 'fastify';
  readonly url: string;
}

export interface ServedPair {
  /** Both sides, for `describe.each(served.sides)`. */
  readonly sides: readonly [Side, Side];
  readonly express: Side;
  readonly fastify: Side;
  /** The Fastify instance, for what only it has (inject, printRoutes). */
  readonly fastifyApp: FastifyInstance;
  close(): Promise<void>;
}

export async function servePair(pair: RecipePair): Promise<ServedPair> {
  const server: Server = (await pair.express()).listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const fastifyApp = await pair.fastify();
  const fastifyUrl = await fastifyApp.listen({ port: 0, host: '127.0.0.1' });
  const express: Side = {
    name: 'express',
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  };
  const fastify: Side = { name: 'fastify', url: fastifyUrl };
  return {
    sides: [express, fastify],
    express,
    fastify,
    fastifyApp,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await fastifyApp.close();
    },
  };
}

/** The log lines each side wrote, and the streams that collect them (morgan, pino). */
export interface CapturedLines {
  readonly express: string[];
  readonly fastify: string[];
  readonly streams: {
    readonly express: { write(line: string): void };
    readonly fastify: { write(line: string): void };
  };
  /** Empties both lists (before each case). */
  clear(): void;
}

export function captureLines(): CapturedLines {
  const express: string[] = [];
  const fastify: string[] = [];
  return {
    express,
    fastify,
    streams: {
      express: { write: (line) => void express.push(line) },
      fastify: { write: (line) => void fastify.push(line) },
    },
    clear() {
      express.length = 0;
      fastify.length = 0;
    },
  };
}
