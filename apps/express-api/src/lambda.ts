// AWS Lambda behind API Gateway (REST API payload 1.0 and HTTP API payload 2.0), through
// serverless-http: each event becomes a request object run through the Express app, and the
// response it writes the proxy result. The app and its pool are built once per container, on the
// first invocation; `handler` is what a function's configuration names (docs/lambda.md). The
// blocking patterns stay what they are: on Lambda one invocation runs per container at a time,
// so a blocked event loop delays only that invocation, and the bill.
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { Logger } from 'pino';
import serverless from 'serverless-http';
import { isBinaryBody } from '@switchyard/http-kit';
import { openDatabase, type Database } from '@switchyard/persistence';
import { containerHandler, type Config } from '@switchyard/runtime';
import { createApp } from './app.js';

export type LambdaEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;
/** A proxy result of either payload version (serverless-http types it as a plain object). */
export type LambdaResult = Record<string, unknown>;

export interface LambdaApp {
  handle(event: LambdaEvent, context: Context): Promise<LambdaResult>;
  /** Closes what the app opened (session events, Redis), not the database it was given. */
  close(): Promise<void>;
}

export async function createLambdaApp(options: {
  config: Config;
  db: Database;
  logger?: Logger;
}): Promise<LambdaApp> {
  const app = createApp(options);
  const { services, redis } = app.locals.context;
  const proxy = serverless(app, {
    // API Gateway passes a body on as UTF-8 unless the result says base64 (the same rule as
    // fastify-api's entry).
    binary: (headers: Record<string, string | undefined>) =>
      isBinaryBody(headers['content-type'], headers['content-encoding']),
  });
  await services.sessionEvents.ready();
  return {
    handle: async (event, context) => (await proxy(event, context)) as LambdaResult,
    close: async () => {
      await services.sessionEvents.close();
      await redis?.quit();
    },
  };
}

/**
 * What a function's configuration names (`lambda.handler`): the app and its PostgreSQL pool are
 * built on a container's first invocation and reused (containerHandler, libs/runtime). Lambda
 * runs one invocation at a time per container, so a DB_POOL_SIZE of 1 or 2 is enough, and every
 * container holds its own pool (docs/lambda.md).
 */
export const handler: (event: LambdaEvent, context: Context) => Promise<LambdaResult> =
  containerHandler(createLambdaApp, {
    open: (config) => openDatabase({ url: config.DATABASE_URL, poolSize: config.DB_POOL_SIZE }),
  });
