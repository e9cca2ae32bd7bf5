import { badUpstreamResponse } from '../upstream/index.js';
import { bots, type Bot, type BotContext, type BotInput } from './bot.js';

interface Completion {
  completion: string;
}

interface StreamLine {
  delta?: string;
  done?: boolean;
}

/** Asks the upstream model service for a completion, whole or streamed. */
@bots.add('model')
export class ModelBot implements Bot {
  static readonly info = {
    name: 'Model',
    description: 'Answers with a completion from the upstream model service.',
  };

  constructor(private readonly context: BotContext) {}

  async reply({ text, signal }: BotInput): Promise<string> {
    const body = await this.context.upstream.json<Completion>({
      service: 'model',
      method: 'POST',
      path: '/model/complete',
      body: { prompt: text },
      signal,
    });
    if (typeof body?.completion !== 'string') throw badUpstreamResponse('model', 200);
    return body.completion;
  }

  async *stream({ text, signal }: BotInput): AsyncIterable<string> {
    const lines = this.context.upstream.lines({
      service: 'model',
      method: 'POST',
      path: '/model/stream',
      body: { prompt: text },
      signal,
    });
    for await (const line of lines) {
      let parsed: StreamLine;
      try {
        parsed = JSON.parse(line) as StreamLine;
      } catch {
        throw badUpstreamResponse('model', 200);
      }
      if (parsed.done) return;
      if (typeof parsed.delta === 'string' && parsed.delta.length > 0) yield parsed.delta;
    }
  }
}
