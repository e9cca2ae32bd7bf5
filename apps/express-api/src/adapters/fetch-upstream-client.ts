import {
  badUpstreamResponse,
  upstreamFailure,
  upstreamTooLarge,
  type BotService,
  type FanOutTask,
  type UpstreamClient,
  type UpstreamRequest,
} from '@switchyard/domain';
import { ndjsonLines, readLimitedText, ResponseLimitError } from '@switchyard/http-kit';

export interface FetchUpstreamOptions {
  /** Base URL per service: MODEL_URL and KNOWLEDGE_URL. */
  readonly baseUrls: Readonly<Record<BotService, string>>;
  /** UPSTREAM_TIMEOUT_MS: the budget of one call, from the request to the last byte. */
  readonly timeoutMs: number;
  /** UPSTREAM_MAX_RESPONSE_BYTES: the most one call may answer, a JSON body or a whole stream. */
  readonly maxResponseBytes: number;
  /** UPSTREAM_MAX_LINE_BYTES: the longest line of a stream. */
  readonly maxLineBytes: number;
}

/** A bound passed is a 502 naming it; anything else is a transport failure. */
function upstreamError(request: UpstreamRequest, error: unknown) {
  return error instanceof ResponseLimitError
    ? upstreamTooLarge(request.service, error.limit, error.maxBytes)
    : upstreamFailure(error);
}

/**
 * The bots' way out, on Node's global fetch: a new timeout signal per call, joined with the
 * caller's signal (the client left), non-2xx → SWY_ERR_UPSTREAM_BAD_RESPONSE, transport failures
 * → SWY_ERR_UPSTREAM_UNAVAILABLE or _TIMEOUT through the domain's upstreamFailure.
 */
export class FetchUpstreamClient implements UpstreamClient {
  readonly #baseUrls: Readonly<Record<BotService, string>>;
  readonly #timeoutMs: number;
  readonly #limits: { readonly maxBytes: number; readonly maxLineBytes: number };

  constructor(options: FetchUpstreamOptions) {
    // Base URLs may carry a path (`http://host/api`); `new URL(path, base)` would drop it.
    this.#baseUrls = {
      model: options.baseUrls.model.replace(/\/+$/, ''),
      knowledge: options.baseUrls.knowledge.replace(/\/+$/, ''),
    };
    this.#timeoutMs = options.timeoutMs;
    this.#limits = { maxBytes: options.maxResponseBytes, maxLineBytes: options.maxLineBytes };
  }

  async json<T>(request: UpstreamRequest): Promise<T> {
    const response = await this.#send(request);
    let text: string;
    try {
      // Up to UPSTREAM_MAX_RESPONSE_BYTES and no further: past it the body is cancelled, which
      // aborts the call, and nothing of it is kept.
      text = response.body
        ? await readLimitedText(
            response.body,
            this.#limits.maxBytes,
            response.headers.get('content-length'),
          )
        : '';
    } catch (error) {
      await response.body?.cancel().catch(() => undefined);
      throw upstreamError(request, error);
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw badUpstreamResponse(request.service, response.status);
    }
  }

  async *lines(request: UpstreamRequest): AsyncIterable<string> {
    const response = await this.#send(request);
    if (!response.body) return;
    try {
      yield* ndjsonLines(response.body, this.#limits);
    } catch (error) {
      await response.body.cancel().catch(() => undefined);
      throw upstreamError(request, error);
    }
  }

  // #region guide:fan-out
  // MIGRATION(fan-out) before: awaits each source in turn; see docs/case-study.md#fan-out
  async fanOut<T>(tasks: ReadonlyArray<FanOutTask<T>>): Promise<Array<PromiseSettledResult<T>>> {
    const outcomes: Array<PromiseSettledResult<T>> = [];
    for (const task of tasks) {
      try {
        outcomes.push({ status: 'fulfilled', value: await task() });
      } catch (reason) {
        outcomes.push({ status: 'rejected', reason });
      }
    }
    return outcomes;
  }
  // #endregion guide:fan-out

  async #send(request: UpstreamRequest): Promise<Response> {
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
    const hasBody = request.body !== undefined;
    let response: Response;
    try {
      response = await fetch(this.#baseUrls[request.service] + request.path, {
        method: request.method,
        headers: hasBody ? { 'content-type': 'application/json' } : {},
        body: hasBody ? JSON.stringify(request.body) : undefined,
        signal,
      });
    } catch (error) {
      throw upstreamFailure(error);
    }
    if (!response.ok) {
      // Release the connection; the body of a failed call is not used.
      await response.body?.cancel().catch(() => undefined);
      throw badUpstreamResponse(request.service, response.status);
    }
    return response;
  }
}
