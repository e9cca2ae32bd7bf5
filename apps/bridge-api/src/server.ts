import { serve, type RunningServer } from '@switchyard/fastify-api';
import { buildBridge, type BuildBridgeOptions } from './app.js';

export type StartBridgeOptions = BuildBridgeOptions;

/** Builds the bridge and listens on HOST:PORT; close() shuts down as fastify-api's does. */
export function startServer(options: StartBridgeOptions): Promise<RunningServer> {
  return serve(buildBridge(options), options.config);
}
