export {
  badUpstreamResponse,
  replyTooLong,
  storableText,
  upstreamFailure,
  upstreamTooLarge,
} from './upstream-client.js';
export type { BotService, FanOutTask, UpstreamClient, UpstreamRequest } from './upstream-client.js';
export { measuredUpstream } from './measured-upstream.js';
export type { UpstreamCall } from './measured-upstream.js';
