import type { Router } from '@switchyard/router';
import { bots as defaultBots, type Bot, type BotClass, type BotContext } from '../bots/index.js';
import type { Database } from '@switchyard/persistence';
import { AppError, isBotId } from '@switchyard/api-spec';
import { ConversationsRepository, type Conversation, type Message } from '@switchyard/persistence';
import type { BotBody, PostMessageBody } from '@switchyard/api-spec';
import type { Principal } from './principal.js';

export interface ChatResult {
  readonly conversationId: string;
  readonly botId: string;
  readonly message: Message;
  readonly reply: Message;
}

export interface StreamOptions {
  readonly signal?: AbortSignal | undefined;
  /** Called with each chunk of the reply as it arrives. */
  readonly onChunk: (delta: string) => void | Promise<void>;
}

export class ChatService {
  readonly #conversations: ConversationsRepository;

  constructor(
    private readonly db: Database,
    private readonly botContext: BotContext,
    private readonly registry: Router<BotClass> = defaultBots,
  ) {
    this.#conversations = new ConversationsRepository(db);
  }

  /** The bots, read from the registry itself. */
  listBots(): BotBody[] {
    return this.registry.entries().map(([id, Bot]) => ({
      id,
      name: Bot.info.name,
      description: Bot.info.description,
    }));
  }

  /**
   * Whether the injected registry has a bot under `botId`. A name that is not a bot id
   * (BOT_ID_PATTERN) never is, whatever the router's looser key rule would hold.
   */
  hasBot(botId: string): boolean {
    return isBotId(botId) && this.registry.has(botId);
  }

  /**
   * 404 SWY_ERR_BOT_NOT_FOUND unless `hasBot(botId)`: the check the stream route makes once,
   * before the upgrade, and that `send` and `stream` make before any upstream call.
   */
  requireBot(botId: string): BotClass {
    const Bot = this.hasBot(botId) ? this.registry.resolve(botId) : undefined;
    if (!Bot) {
      throw new AppError('SWY_ERR_BOT_NOT_FOUND', {
        message: `No bot with id ${JSON.stringify(botId)}`,
      });
    }
    return Bot;
  }

  /** Asks the bot, then stores the message and the reply in one transaction. */
  async send(
    principal: Principal,
    botId: string,
    body: PostMessageBody,
    signal?: AbortSignal,
  ): Promise<ChatResult> {
    const { bot, conversation } = await this.#prepare(principal, botId, body.conversationId);
    const reply = await bot.reply({ text: body.text, signal });
    // A client that hung up was never told anything: store nothing rather than a partial reply.
    signal?.throwIfAborted();
    return this.#store(principal, botId, conversation, body.text, reply);
  }

  /** Like send, but hands the reply over in chunks as the bot produces them. */
  async stream(
    principal: Principal,
    botId: string,
    body: PostMessageBody,
    options: StreamOptions,
  ): Promise<ChatResult> {
    const { bot, conversation } = await this.#prepare(principal, botId, body.conversationId);
    let reply = '';
    for await (const delta of bot.stream({ text: body.text, signal: options.signal })) {
      reply += delta;
      await options.onChunk(delta);
    }
    options.signal?.throwIfAborted();
    return this.#store(principal, botId, conversation, body.text, reply);
  }

  /** Checks the bot and the conversation before any upstream call is made. */
  async #prepare(principal: Principal, botId: string, conversationId: string | undefined) {
    // #region guide:resolve
    const Bot = this.requireBot(botId);
    // #endregion guide:resolve
    let conversation: Conversation | undefined;
    if (conversationId !== undefined) {
      conversation = await this.#conversations.findOwned(principal.accountId, conversationId);
      if (!conversation) throw new AppError('SWY_ERR_CONVERSATION_NOT_FOUND');
      if (conversation.botId !== botId) {
        throw new AppError('SWY_ERR_CONVERSATION_BOT_MISMATCH', {
          message: `The conversation belongs to bot ${JSON.stringify(conversation.botId)}`,
        });
      }
    }
    const bot: Bot = new Bot(this.botContext);
    return { bot, conversation };
  }

  async #store(
    principal: Principal,
    botId: string,
    conversation: Conversation | undefined,
    text: string,
    replyText: string,
  ): Promise<ChatResult> {
    return this.db.transaction(async (tx) => {
      const repo = new ConversationsRepository(tx);
      const id =
        conversation?.id ?? (await repo.create({ accountId: principal.accountId, botId })).id;
      const [message, reply] = await repo.appendMessages(id, [
        { role: 'user', text },
        { role: 'bot', text: replyText },
      ]);
      return { conversationId: id, botId, message: message!, reply: reply! };
    });
  }
}
