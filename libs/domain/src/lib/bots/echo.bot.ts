import { bots, streamReply, type Bot, type BotInput } from './bot.js';

// #region guide:echo
/** Repeats the message: no I/O, so it measures the gateway itself. */
@bots.add('echo')
export class EchoBot implements Bot {
  static readonly info = { name: 'Echo', description: 'Repeats what you say; no I/O.' };

  async reply({ text }: BotInput): Promise<string> {
    return `echo: ${text}`;
  }

  stream(input: BotInput): AsyncIterable<string> {
    return streamReply(this, input);
  }
}
// #endregion guide:echo
