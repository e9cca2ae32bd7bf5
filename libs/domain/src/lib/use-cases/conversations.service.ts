import type { Queryable } from '@switchyard/persistence';
import { AppError, DEFAULT_PAGE_SIZE } from '@switchyard/api-spec';
import { ConversationsRepository } from '@switchyard/persistence';
import type { ConversationPage, CursorQuery, MessagePage } from '@switchyard/api-spec';
import type { Principal } from './principal.js';

export class ConversationsService {
  readonly #conversations: ConversationsRepository;

  constructor(db: Queryable) {
    this.#conversations = new ConversationsRepository(db);
  }

  async list(principal: Principal, query: CursorQuery): Promise<ConversationPage> {
    const page = await this.#conversations.listOwned(principal.accountId, {
      cursor: query.cursor,
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
    });
    return {
      conversations: page.items.map(({ accountId: _owner, ...conversation }) => conversation),
      nextCursor: page.nextCursor,
    };
  }

  /** Another account's conversation is reported as missing (404), never as forbidden. */
  async messages(
    principal: Principal,
    conversationId: string,
    query: CursorQuery,
  ): Promise<MessagePage> {
    const conversation = await this.#conversations.findOwned(principal.accountId, conversationId);
    if (!conversation) throw new AppError('SWY_ERR_CONVERSATION_NOT_FOUND');
    const page = await this.#conversations.listMessages(conversation.id, {
      cursor: query.cursor,
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
    });
    return { messages: page.items, nextCursor: page.nextCursor };
  }
}
