import type { BotService, FanOutTask, UpstreamClient, UpstreamRequest } from './upstream-client.js';

/** One finished upstream call, as the metrics record it. */
export interface UpstreamCall {
  readonly service: BotService;
  /** `json`: a whole JSON call; `stream`: an NDJSON stream, timed until its last line. */
  readonly kind: 'json' | 'stream';
  /** `ok`, or the AppError code it failed with (`error` for anything else). */
  readonly outcome: string;
  readonly seconds: number;
}

function outcomeOf(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('SWY_ERR_') ? code : 'error';
}

/**
 * The same client, with each call's duration reported to `observe` (both apps' upstream call
 * histogram). `fanOut` is passed through: its tasks call `json` on this client, so each source
 * is timed on its own whether the app runs them one after another or at once.
 */
export function measuredUpstream(
  client: UpstreamClient,
  observe: (call: UpstreamCall) => void,
): UpstreamClient {
  const timed = (request: UpstreamRequest, kind: UpstreamCall['kind']) => {
    const started = performance.now();
    return (outcome: string) =>
      observe({
        service: request.service,
        kind,
        outcome,
        seconds: (performance.now() - started) / 1000,
      });
  };
  return {
    async json<T>(request: UpstreamRequest): Promise<T> {
      const done = timed(request, 'json');
      try {
        const value = await client.json<T>(request);
        done('ok');
        return value;
      } catch (error) {
        done(outcomeOf(error));
        throw error;
      }
    },
    async *lines(request: UpstreamRequest): AsyncIterable<string> {
      const done = timed(request, 'stream');
      let outcome = 'ok';
      try {
        yield* client.lines(request);
      } catch (error) {
        outcome = outcomeOf(error);
        throw error;
      } finally {
        done(outcome);
      }
    },
    fanOut<T>(tasks: ReadonlyArray<FanOutTask<T>>): Promise<Array<PromiseSettledResult<T>>> {
      return client.fanOut(tasks);
    },
  };
}
