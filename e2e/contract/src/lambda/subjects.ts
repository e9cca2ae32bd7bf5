import { createLambdaApp as expressLambda } from '@switchyard/express-api/lambda';
import { createLambdaApp as fastifyLambda } from '@switchyard/fastify-api/lambda';
import type { AppUnderTest } from '@switchyard/testing';
import type { Logger } from 'pino';
import { startGateway, type PayloadVersion } from './gateway.js';

const entries = { 'express-api': expressLambda, 'fastify-api': fastifyLambda } as const;

/**
 * An app as the contract suite sees it, run as a Lambda function: its handler built on the
 * suite's config and database, behind the stand-in gateway with one payload version.
 */
export function lambdaSubject(app: keyof typeof entries, version: PayloadVersion): AppUnderTest {
  return {
    name: `${app} on Lambda (payload ${version})`,
    start: async (options) => {
      const { logger } = options as typeof options & { logger?: Logger };
      const lambda = await entries[app]({ ...options, ...(logger ? { logger } : {}) });
      const gateway = await startGateway(
        (event, context) => lambda.handle(event, context),
        version,
      );
      return {
        url: gateway.url,
        close: async () => {
          await gateway.close();
          await lambda.close();
        },
      };
    },
  };
}
