import { AppError, isWellFormed } from '@switchyard/api-spec';
import { replyTooLong } from '../upstream/index.js';
import { bots, streamReply, type Bot, type BotContext, type BotInput } from './bot.js';

interface SourceAnswer {
  source: string;
  answer: string;
  confidence: number;
}

function isSourceAnswer(value: unknown): value is SourceAnswer {
  const v = value as SourceAnswer | null;
  return (
    typeof v?.source === 'string' &&
    typeof v.answer === 'string' &&
    typeof v.confidence === 'number'
  );
}

/** An answer the gateway can store: no NUL (PostgreSQL text refuses it), no lone surrogate. */
function isStorable(answer: SourceAnswer): boolean {
  return [answer.source, answer.answer].every((t) => !t.includes('\u0000') && isWellFormed(t));
}

/**
 * Asks K knowledge sources the same question and answers with the most confident reply: the
 * fan-out. How the K calls run (one after another or concurrently) is the app's choice,
 * through `upstream.fanOut`.
 */
@bots.add('ensemble')
export class EnsembleBot implements Bot {
  static readonly info = {
    name: 'Ensemble',
    description: 'Asks several knowledge sources and answers with the most confident reply.',
  };

  constructor(private readonly context: BotContext) {}

  async reply({ text, signal }: BotInput): Promise<string> {
    const k = this.context.ensembleSources;
    const q = encodeURIComponent(text);
    // The caller's signal (the client gone) cancels every call, queued or running.
    const tasks = Array.from(
      { length: k },
      (_, i) => () =>
        this.context.upstream.json<unknown>({
          service: 'knowledge',
          method: 'GET',
          path: `/sources/${i}/answer?q=${q}`,
          signal,
        }),
    );
    const outcomes = await this.context.upstream.fanOut(tasks);
    const answers = outcomes.flatMap((o) =>
      o.status === 'fulfilled' && isSourceAnswer(o.value) && isStorable(o.value) ? [o.value] : [],
    );
    if (answers.length === 0) {
      const failure = outcomes.find((o) => o.status === 'rejected');
      throw failure?.reason instanceof AppError
        ? failure.reason
        : new AppError('SWY_ERR_UPSTREAM_BAD_RESPONSE', {
            message: 'No knowledge source answered',
          });
    }
    // Highest confidence wins; ties go to the lower source number, so replies are deterministic.
    const best = answers.reduce((a, b) => (b.confidence > a.confidence ? b : a));
    const reply = `${answers.length} of ${k} sources answered. ${best.source} (confidence ${best.confidence.toFixed(2)}): ${best.answer}`;
    if (reply.length > this.context.maxReplyChars) {
      throw replyTooLong('knowledge', this.context.maxReplyChars);
    }
    return reply;
  }

  stream(input: BotInput): AsyncIterable<string> {
    return streamReply(this, input);
  }
}
