import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { UpstreamClient } from '@switchyard/domain';
import { UndiciUpstreamClient } from '../adapters/undici-upstream-client.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** What the bots call the model and knowledge services with. */
    readonly upstream: UpstreamClient;
  }
}

const upstreamPlugin: FastifyPluginAsync = async (app) => {
  const client = new UndiciUpstreamClient({
    baseUrls: { model: app.config.MODEL_URL, knowledge: app.config.KNOWLEDGE_URL },
    timeoutMs: app.config.UPSTREAM_TIMEOUT_MS,
    concurrency: app.config.FANOUT_CONCURRENCY,
    maxResponseBytes: app.config.UPSTREAM_MAX_RESPONSE_BYTES,
    maxLineBytes: app.config.UPSTREAM_MAX_LINE_BYTES,
  });
  app.decorate('upstream', client);
  app.addHook('onClose', () => client.close());
};

export default fp(upstreamPlugin, { name: 'upstream', fastify: '5.x', dependencies: ['config'] });
