import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { measuredUpstream, type UpstreamClient } from '@switchyard/domain';
import type { AppMetrics } from '@switchyard/http-kit';
import { UndiciUpstreamClient } from '../adapters/undici-upstream-client.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** What the bots call the model and knowledge services with. */
    readonly upstream: UpstreamClient;
  }
}

export interface UpstreamPluginOptions {
  /** METRICS_PORT set: each call's duration goes to the upstream histogram. */
  readonly metrics?: AppMetrics | undefined;
}

const upstreamPlugin: FastifyPluginAsync<UpstreamPluginOptions> = async (app, { metrics }) => {
  const client = new UndiciUpstreamClient({
    baseUrls: { model: app.config.MODEL_URL, knowledge: app.config.KNOWLEDGE_URL },
    timeoutMs: app.config.UPSTREAM_TIMEOUT_MS,
    concurrency: app.config.FANOUT_CONCURRENCY,
    maxResponseBytes: app.config.UPSTREAM_MAX_RESPONSE_BYTES,
    maxLineBytes: app.config.UPSTREAM_MAX_LINE_BYTES,
  });
  app.decorate(
    'upstream',
    metrics ? measuredUpstream(client, (call) => metrics.observeUpstream(call)) : client,
  );
  app.addHook('onClose', () => client.close());
};

export default fp(upstreamPlugin, { name: 'upstream', fastify: '5.x', dependencies: ['config'] });
