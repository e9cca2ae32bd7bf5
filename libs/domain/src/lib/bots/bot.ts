import { Router } from '@switchyard/router';
import type { UpstreamClient } from '../upstream/index.js';

export interface BotInput {
  readonly text: string;
  readonly signal?: AbortSignal | undefined;
}

/** A chatbot: one reply at once, or the same reply in chunks. */
export interface Bot {
  reply(input: BotInput): Promise<string>;
  stream(input: BotInput): AsyncIterable<string>;
}

export interface BotContext {
  readonly upstream: UpstreamClient;
  /** How many knowledge sources the ensemble bot asks. */
  readonly ensembleSources: number;
  /** MAX_REPLY_CHARS: the longest reply a bot may give, whole or streamed. */
  readonly maxReplyChars: number;
  /** STREAM_REPLY_TIMEOUT_MS: how long a streamed reply may take in all. */
  readonly streamReplyTimeoutMs: number;
}

export interface BotInfo {
  readonly name: string;
  readonly description: string;
}

/** What the registry holds: a bot class with its description as statics. */
export interface BotClass {
  new (context: BotContext): Bot;
  readonly info: BotInfo;
}

// #region guide:registry
/**
 * The bot registry. Each bot class registers itself with `@bots.add('<id>')`; the apps look
 * bots up by id from the URL in O(1) instead of importing a module per request.
 */
export const bots = new Router<BotClass>({ name: 'bots' });
// #endregion guide:registry

/** Splits a finished reply into word chunks, for bots that have nothing to stream. */
export async function* chunksOf(text: string): AsyncIterable<string> {
  for (const match of text.matchAll(/\S+\s*/g)) yield match[0];
}

/** The whole reply, then its chunks: streaming for bots whose source cannot stream. */
export async function* streamReply(bot: Bot, input: BotInput): AsyncIterable<string> {
  yield* chunksOf(await bot.reply(input));
}
