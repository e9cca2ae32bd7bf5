import { createHash } from 'node:crypto';
import type { Router } from '@switchyard/router';
import { bots as defaultBots, type Bot, type BotClass, type BotContext } from '../bots/index.js';
import type { Database } from '@switchyard/persistence';
import { AppError, isBotId } from '@switchyard/api-spec';
import {
  ConversationsRepository,
  IdempotencyClaimLostError,
  type Conversation,
  type Exchange,
  type HeldKey,
} from '@switchyard/persistence';
import type { BotBody, PostMessageBody } from '@switchyard/api-spec';
import type { Principal } from './principal.js';
import { spendAccountBudget } from './account-limits.js';
import type { Limiter } from './limiter.js';

/** The message and the bot's reply as stored: what a replay of its Idempotency-Key answers. */
export type ChatResult = Exchange;

export interface StreamOptions {
  readonly signal?: AbortSignal | undefined;
  /** Called with each chunk of the reply as it arrives. */
  readonly onChunk: (delta: string) => void | Promise<void>;
  /** As `send`'s: a replay hands back the first result and no chunks. */
  readonly idempotencyKey?: string | undefined;
}

export interface ChatServiceOptions {
  /** IDEMPOTENCY_TTL_SECONDS: how long a key's first answer is replayed. */
  readonly idempotencyTtlSeconds: number;
  /** IDEMPOTENCY_LEASE_MS: how long a claim left unanswered blocks its key (409). */
  readonly idempotencyLeaseMs: number;
  /** MESSAGE_RATE_*: one unit per message, HTTP or WebSocket; unset: no limit. */
  readonly messageLimiter?: Limiter | undefined;
}

/** The request an idempotency key stands for: the same key on another one is refused. */
function fingerprintOf(botId: string, body: PostMessageBody): string {
  return createHash('sha256')
    .update(JSON.stringify([botId, body.text, body.conversationId ?? null]))
    .digest('hex');
}

export class ChatService {
  readonly #conversations: ConversationsRepository;
  readonly #idempotencyTtlSeconds: number;
  readonly #idempotencyLeaseMs: number;
  readonly #messageLimiter: Limiter | undefined;

  constructor(
    db: Database,
    private readonly botContext: BotContext,
    private readonly registry: Router<BotClass> = defaultBots,
    // Required, as every setting: IDEMPOTENCY_TTL_SECONDS has its default in the config schema.
    options: ChatServiceOptions,
  ) {
    this.#conversations = new ConversationsRepository(db);
    this.#idempotencyTtlSeconds = options.idempotencyTtlSeconds;
    this.#idempotencyLeaseMs = options.idempotencyLeaseMs;
    this.#messageLimiter = options.messageLimiter;
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

  /**
   * Asks the bot, then stores the message and the reply in one statement. With an
   * `idempotencyKey` (checked by the caller, idempotencyKeyOf) a retry within
   * IDEMPOTENCY_TTL_SECONDS gets the first result and stores nothing: see #once.
   */
  async send(
    principal: Principal,
    botId: string,
    body: PostMessageBody,
    signal?: AbortSignal,
    idempotencyKey?: string,
  ): Promise<ChatResult> {
    return this.#once(principal, botId, body, idempotencyKey, async (held) => {
      const { bot, conversation } = await this.#prepare(principal, botId, body.conversationId);
      const reply = await bot.reply({ text: body.text, signal });
      // A client that hung up was never told anything: store nothing rather than a partial reply.
      signal?.throwIfAborted();
      return this.#store(principal, botId, conversation, body.text, reply, held);
    });
  }

  /** Like send, but hands the reply over in chunks as the bot produces them. */
  async stream(
    principal: Principal,
    botId: string,
    body: PostMessageBody,
    options: StreamOptions,
  ): Promise<ChatResult> {
    return this.#once(principal, botId, body, options.idempotencyKey, async (held) => {
      const { bot, conversation } = await this.#prepare(principal, botId, body.conversationId);
      let reply = '';
      for await (const delta of bot.stream({ text: body.text, signal: options.signal })) {
        reply += delta;
        await options.onChunk(delta);
      }
      options.signal?.throwIfAborted();
      return this.#store(principal, botId, conversation, body.text, reply, held);
    });
  }

  /**
   * The order every message goes through: the idempotency key first (a replay returns the stored
   * result and spends no budget; a key another request still holds is 409, a key used for
   * another request 422), then one unit of the account's message budget (429), then the work.
   * The key's row is claimed before the work (one statement) and completed by the statement
   * that stores the messages (`work` gets the held key to hand to #store); a failure frees it,
   * so a retry after a failure runs anew. A claim whose request never answered (its process
   * was killed) is taken over by a retry once IDEMPOTENCY_LEASE_MS has passed; were its holder
   * still at work, it stores nothing and answers 409 (#store).
   */
  async #once(
    principal: Principal,
    botId: string,
    body: PostMessageBody,
    key: string | undefined,
    work: (held: HeldKey | undefined) => Promise<ChatResult>,
  ): Promise<ChatResult> {
    if (key === undefined) {
      await spendAccountBudget(this.#messageLimiter, principal);
      return work(undefined);
    }
    const { accountId } = principal;
    const fingerprint = fingerprintOf(botId, body);
    const claim = await this.#conversations.claimIdempotencyKey({
      accountId,
      key,
      fingerprint,
      ttlSeconds: this.#idempotencyTtlSeconds,
      leaseMs: this.#idempotencyLeaseMs,
    });
    if (claim.state !== 'claimed') {
      if (claim.fingerprint !== fingerprint) throw new AppError('SWY_ERR_IDEMPOTENCY_KEY_REUSED');
      if (claim.state === 'pending') throw new AppError('SWY_ERR_IDEMPOTENCY_KEY_IN_USE');
      return claim.response as ChatResult;
    }
    try {
      await spendAccountBudget(this.#messageLimiter, principal);
      return await work(claim.held);
    } catch (error) {
      await this.#conversations.releaseIdempotencyKey(accountId, claim.held).catch(() => undefined);
      throw error;
    }
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

  /**
   * One round trip (ConversationsRepository.storeExchange): the conversation (new, or the one
   * #prepare checked), both messages and the key's answer commit together in one statement.
   */
  async #store(
    principal: Principal,
    botId: string,
    conversation: Conversation | undefined,
    text: string,
    replyText: string,
    idempotencyKey: HeldKey | undefined,
  ): Promise<ChatResult> {
    try {
      return await this.#conversations.storeExchange({
        accountId: principal.accountId,
        botId,
        conversationId: conversation?.id,
        text,
        replyText,
        idempotencyKey,
      });
    } catch (error) {
      // Outlived its lease and was taken over: the request that took the key answers it.
      if (error instanceof IdempotencyClaimLostError) {
        throw new AppError('SWY_ERR_IDEMPOTENCY_KEY_IN_USE', {
          message:
            'This request took longer than IDEMPOTENCY_LEASE_MS and another with the same Idempotency-Key took it over; nothing was stored',
        });
      }
      throw error;
    }
  }
}
