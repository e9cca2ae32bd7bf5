export { AccountsRepository } from './accounts.repository.js';
export type { Account, AccountWithHash } from './accounts.repository.js';
export { SessionsRepository } from './sessions.repository.js';
export type { SessionOwner } from './sessions.repository.js';
export { ConversationsRepository, IdempotencyClaimLostError } from './conversations.repository.js';
export type {
  Conversation,
  Exchange,
  ExchangeInput,
  HeldKey,
  IdempotencyClaim,
  IdempotencyKeyInput,
  Message,
  Page,
  PageRequest,
  Role,
} from './conversations.repository.js';
export { decodePositionCursor, encodeCursor } from './cursor.js';
