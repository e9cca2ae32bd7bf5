export { AccountsService } from './accounts.service.js';
export type { AccountsOptions, LoggedOutEverywhere } from './accounts.service.js';
export { ChatService } from './chat.service.js';
export type { ChatResult, ChatServiceOptions, StreamOptions } from './chat.service.js';
export { ConversationsService } from './conversations.service.js';
export { createServices } from './services.js';
export type { ServiceDependencies, Services } from './services.js';
export type { Principal } from './principal.js';
export { streamConversation } from './stream-conversation.js';
export type {
  OutgoingFrame,
  StreamConversation,
  StreamConversationOptions,
} from './stream-conversation.js';
export type { Limiter, LimitDecision } from './limiter.js';
export { spendAccountBudget } from './account-limits.js';
export type { AccountLimits } from './account-limits.js';
