export { badUpstreamResponse, upstreamFailure } from './upstream-client.js';
export type { BotService, FanOutTask, UpstreamClient, UpstreamRequest } from './upstream-client.js';
