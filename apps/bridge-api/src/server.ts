import { serve, type RunningServer } from '@switchyard/fastify-api';
import { metricsFor } from '@switchyard/http-kit';
import { buildBridge, type BuildBridgeOptions } from './app.js';

export type StartBridgeOptions = BuildBridgeOptions;

/** Builds the bridge and listens on HOST:PORT; close() shuts down as fastify-api's does. */
export function startServer(options: StartBridgeOptions): Promise<RunningServer> {
  const metrics = options.metrics ?? metricsFor('bridge-api', options.config, options.db);
  return serve(buildBridge({ ...options, metrics }), options.config, metrics);
}
