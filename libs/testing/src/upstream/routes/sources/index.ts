import type { FastifyPluginAsync } from 'fastify';
import { answerFor } from '../../lib/content.js';
import {
  commonErrorResponses,
  SourceAnswerSchema,
  SourceParamsSchema,
  SourceQuerySchema,
} from '../../schemas.js';

/** The K knowledge sources the ensemble bot fans out to: `/sources/0` … `/sources/9999`. */
const sourceRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Params: { id: string }; Querystring: { q: string } }>(
    '/:id/answer',
    {
      // The server's latencyMs applies here (see plugins/faults.ts) before the handler runs.
      config: { upstreamDefaultLatency: true },
      schema: {
        params: SourceParamsSchema,
        querystring: SourceQuerySchema,
        response: { 200: SourceAnswerSchema, ...commonErrorResponses },
      },
    },
    async (request) => answerFor(Number(request.params.id), request.query.q),
  );
};

export default sourceRoutes;
