import type { FastifyPluginAsync } from 'fastify';
import { completionFor, MODEL_NAME } from '../../lib/content.js';
import { PacedReadable } from '../../lib/paced-readable.js';
import {
  commonErrorResponses,
  CompletionRequestSchema,
  CompletionSchema,
  type CompletionRequest,
} from '../../schemas.js';

export interface ModelRoutesOptions {
  readonly chunkDelayMs: number;
}

/** The stand-in language model: one reply, deterministic from the prompt, whole or streamed. */
const modelRoutes: FastifyPluginAsync<ModelRoutesOptions> = async (app, { chunkDelayMs }) => {
  // The server's latencyMs applies here (see plugins/faults.ts) before the handler runs.
  const config = { upstreamDefaultLatency: true };

  app.post<{ Body: CompletionRequest }>(
    '/complete',
    {
      config,
      schema: {
        body: CompletionRequestSchema,
        response: { 200: CompletionSchema, ...commonErrorResponses },
      },
    },
    async (request) => {
      const { completion, tokens } = completionFor(request.body.prompt, request.body.maxTokens);
      return { model: MODEL_NAME, completion, tokens };
    },
  );

  app.post<{ Body: CompletionRequest }>(
    '/stream',
    {
      config,
      schema: { body: CompletionRequestSchema, response: commonErrorResponses },
    },
    async (request, reply) => {
      const { words, tokens } = completionFor(request.body.prompt, request.body.maxTokens);
      // Deltas join to exactly the completion of /model/complete: a space after every word but the last.
      const lines = words.map(
        (word, i) => `${JSON.stringify({ delta: i < words.length - 1 ? `${word} ` : word })}\n`,
      );
      lines.push(`${JSON.stringify({ done: true, tokens })}\n`);
      // fault=slow stretches the stream itself over slowMs instead of cutting a buffered body.
      const slowMs = request.upstreamSlowMs;
      const delay = slowMs === null ? chunkDelayMs : slowMs / Math.max(1, lines.length - 1);
      return reply
        .type('application/x-ndjson')
        .header('cache-control', 'no-store')
        .send(new PacedReadable(lines, delay));
    },
  );
};

export default modelRoutes;
