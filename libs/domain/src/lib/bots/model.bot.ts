import { AppError } from '@switchyard/api-spec';
import { badUpstreamResponse, replyTooLong, storableText } from '../upstream/index.js';
import { bots, type Bot, type BotContext, type BotInput } from './bot.js';

interface Completion {
  completion: string;
}

interface StreamLine {
  delta?: string;
  done?: boolean;
}

/** Whether the last UTF-16 unit of `text` is the first half of a surrogate pair. */
function endsInHighSurrogate(text: string): boolean {
  const last = text.charCodeAt(text.length - 1);
  return last >= 0xd800 && last <= 0xdbff;
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
    if (body.completion.length > this.context.maxReplyChars) {
      throw replyTooLong('model', this.context.maxReplyChars);
    }
    return storableText('model', body.completion);
  }

  /**
   * The deltas as the model sends them, within STREAM_REPLY_TIMEOUT_MS in all (a model that
   * drips a delta just inside each idle timeout would otherwise hold the stream for ever) and
   * MAX_REPLY_CHARS. Past either, or on a NUL or a lone surrogate, it throws: the caller stores
   * nothing and ends the stream with the error.
   */
  async *stream({ text, signal }: BotInput): AsyncIterable<string> {
    const { maxReplyChars, streamReplyTimeoutMs } = this.context;
    const deadline = AbortSignal.timeout(streamReplyTimeoutMs);
    const lines = this.context.upstream.lines({
      service: 'model',
      method: 'POST',
      path: '/model/stream',
      body: { prompt: text },
      signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
    });
    const late = (cause?: unknown) =>
      new AppError('SWY_ERR_UPSTREAM_TIMEOUT', {
        message: `The model service's stream took longer than ${streamReplyTimeoutMs} ms`,
        cause,
      });
    let chars = 0;
    // A surrogate pair may be cut between two deltas: its first half waits for the next one.
    let carry = '';
    try {
      for await (const line of lines) {
        // The deadline also counts the time the consumer spends on a delta.
        if (deadline.aborted) throw late();
        let parsed: StreamLine;
        try {
          parsed = JSON.parse(line) as StreamLine;
        } catch {
          throw badUpstreamResponse('model', 200);
        }
        if (parsed.done) break;
        if (typeof parsed.delta !== 'string' || parsed.delta.length === 0) continue;
        chars += parsed.delta.length;
        if (chars > maxReplyChars) throw replyTooLong('model', maxReplyChars);
        let delta = carry + parsed.delta;
        carry = '';
        if (endsInHighSurrogate(delta)) {
          carry = delta.slice(-1);
          delta = delta.slice(0, -1);
        }
        if (delta.length > 0) yield storableText('model', delta);
      }
    } catch (error) {
      // The client's calls carried the deadline: whatever they made of its abort, it is ours.
      const ours = error instanceof AppError && error.message === late().message;
      if (deadline.aborted && !signal?.aborted && !ours) throw late(error);
      throw error;
    }
    if (carry) storableText('model', carry);
  }
}
