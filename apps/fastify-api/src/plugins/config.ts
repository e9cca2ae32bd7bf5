import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '@switchyard/runtime';

declare module 'fastify' {
  interface FastifyInstance {
    /** The configuration loadConfig() checked at start-up. */
    readonly config: Config;
  }
}

export interface ConfigPluginOptions {
  readonly config: Config;
}

const configPlugin: FastifyPluginAsync<ConfigPluginOptions> = async (app, { config }) => {
  app.decorate('config', config);
};

export default fp(configPlugin, { name: 'config', fastify: '5.x' });
