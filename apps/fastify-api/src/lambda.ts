// AWS Lambda behind API Gateway (REST API payload 1.0 and HTTP API payload 2.0), through
// @fastify/aws-lambda: each event becomes an `app.inject()` and its reply the proxy result. The
// app and its database pool are built once per container, on the first invocation, and reused by
// every invocation after it; `handler` is what a function's configuration names
// (`lambda.handler` in the bundle, docs/lambda.md).
import awsLambdaFastify, { type LambdaResponse } from '@fastify/aws-lambda';
import type { FastifyBaseLogger } from 'fastify';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { AppError } from '@switchyard/api-spec';
import { hasEncodedDotSegment, isBinaryBody } from '@switchyard/http-kit';
import { openDatabase, type Database } from '@switchyard/persistence';
import { containerHandler, type Config } from '@switchyard/runtime';
import { buildApp } from './app.js';

export type LambdaEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;
export type LambdaResult = LambdaResponse;

export interface LambdaApp {
  handle(event: LambdaEvent, context: Context): Promise<LambdaResult>;
  /** Closes the app (not the database it was given). */
  close(): Promise<void>;
}

/** The handler over an app built on `config` and `db`; tests give their own. */
export async function createLambdaApp(options: {
  config: Config;
  db: Database;
  logger?: FastifyBaseLogger;
}): Promise<LambdaApp> {
  const app = buildApp(options);
  const proxy = awsLambdaFastify<LambdaEvent>(app, {
    // API Gateway passes a body on as UTF-8 unless the result says base64: bytes, images and
    // gzip from the proxy must say so (the same rule as express-api's entry).
    enforceBase64: (reply) =>
      isBinaryBody(
        reply.headers['content-type'] as string | undefined,
        reply.headers['content-encoding'] as string | undefined,
      ),
    // The event and context are read by no route; the adapter's decoration would cost a map
    // entry and a random token per invocation.
    decorateRequest: false,
  });
  await app.ready();
  return {
    handle: async (event, context) => {
      const path = 'rawPath' in event ? event.rawPath : event.path;
      // inject() would resolve `%2e%2e` before routing (see hasEncodedDotSegment); a server
      // refuses these paths in the route's validation, and so does this, with the same code.
      if (hasEncodedDotSegment(path)) return encodedDotSegment(event);
      return proxy(event, context);
    },
    close: () => app.close(),
  };
}

function encodedDotSegment(event: LambdaEvent): LambdaResult {
  const error = new AppError('SWY_ERR_VALIDATION', {
    details: [{ path: '/params', message: 'must not have a "." or ".." segment' }],
  });
  return {
    statusCode: error.status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-request-id': event.requestContext.requestId,
    },
    body: JSON.stringify(error.toEnvelope()),
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
