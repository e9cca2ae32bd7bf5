export { AccountsService } from './accounts.service.js';
export type { AccountsOptions, LoggedOutEverywhere } from './accounts.service.js';
export { SessionCache } from './session-cache.js';
export type { SessionCacheOptions } from './session-cache.js';
export { ChatService } from './chat.service.js';
export type { ChatResult, ChatServiceOptions, StreamOptions } from './chat.service.js';
export { ConversationsService } from './conversations.service.js';
export { createServices } from './services.js';
export { Readiness } from './readiness.js';
export type { ServiceDependencies, Services } from './services.js';
export type { Principal } from './principal.js';
export { OpenSockets, SESSION_ENDED_CLOSE_CODE, SESSION_ENDED_REASON } from './open-sockets.js';
export type { ClosableSocket, SocketLease } from './open-sockets.js';
export {
  QUEUE_FULL_CLOSE_CODE,
  QUEUE_FULL_REASON,
  streamConversation,
} from './stream-conversation.js';
export type {
  OutgoingFrame,
  StreamConversation,
  StreamConversationOptions,
} from './stream-conversation.js';
export type { Limiter, LimitDecision } from './limiter.js';
export { spendAccountBudget } from './account-limits.js';
export type { AccountLimits } from './account-limits.js';
export { serveStream } from './serve-stream.js';
export type { FrameData, ServeStreamOptions, StreamBounds, StreamSocket } from './serve-stream.js';
