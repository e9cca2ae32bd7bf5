// The code blocks of README.md, in order; test/readme.test.ts runs them and checks that the
// README still shows them as they are here.
import { Router, RouterError, RouterErrorCode } from '../src/index.js';

// #region usage
export interface Bot {
  reply(text: string): string;
}
/** What the router holds: a class that takes the user id. */
export type BotClass = new (userId: string) => Bot;

export const bots = new Router<BotClass>({ name: 'bots' });

@bots.add('faq')
export class FaqBot implements Bot {
  constructor(readonly userId: string) {}
  reply(text: string): string {
    return `${this.userId}, the answer to "${text}" is in the FAQ`;
  }
}
// #endregion

// #region include
export const support = new Router<BotClass>({ name: 'support' });

@support.add('human')
export class HandOffBot implements Bot {
  constructor(readonly userId: string) {}
  reply(): string {
    return `${this.userId}, a person will answer shortly`;
  }
}

bots.include(support);
bots.keys(); // ['faq', 'human']
// #endregion

// #region dispatch
/** What a request handler does: one Map lookup, no import. */
export function answer(botKey: string, userId: string, text: string): string {
  const bot = bots.create(botKey, userId); // typed: create(key, userId: string)
  return bot.reply(text);
}

/** The status is the app's choice: here 404 for a key nothing is registered under. */
export function statusOf(error: unknown): number {
  return error instanceof RouterError && error.code === RouterErrorCode.UNKNOWN_KEY ? 404 : 500;
}
// #endregion
