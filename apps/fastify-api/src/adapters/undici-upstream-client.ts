import pLimit from 'p-limit';
import { Agent, request, type Dispatcher } from 'undici';
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
import { IdleTimer } from '../lib/idle-timeout.js';

export interface UndiciUpstreamOptions {
  /** Base URL of each service; a path on it is kept (`http://host/api` + `/model/complete`). */
  readonly baseUrls: Readonly<Record<BotService, string>>;
  /** UPSTREAM_TIMEOUT_MS: connect, headers, each body gap, and the whole of a `json` call. */
  readonly timeoutMs: number;
  /** FANOUT_CONCURRENCY: how many tasks of one `fanOut` run at once. */
  readonly concurrency: number;
  /** UPSTREAM_MAX_RESPONSE_BYTES: the most one call may answer, a JSON body or a whole stream. */
  readonly maxResponseBytes: number;
  /** UPSTREAM_MAX_LINE_BYTES: the longest line of a stream. */
  readonly maxLineBytes: number;
}

/** An UpstreamClient that owns sockets, so it has to be closed. */
export interface ClosableUpstreamClient extends UpstreamClient {
  close(): Promise<void>;
}

function headerOf(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** A bound passed is a 502 naming it; anything else is a transport failure. */
function upstreamError(upstream: UpstreamRequest, error: unknown) {
  return error instanceof ResponseLimitError
    ? upstreamTooLarge(upstream.service, error.limit, error.maxBytes)
    : upstreamFailure(error);
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/**
 * The calls running under each caller's signal. One listener per caller signal, however many
 * calls it carries: a fan-out of K calls adding K listeners would pass EventTarget's leak
 * warning (10) at every ensemble message.
 */
const callsOf = new WeakMap<AbortSignal, Set<AbortController>>();

function follow(caller: AbortSignal, call: AbortController): void {
  if (caller.aborted) return call.abort(caller.reason);
  let calls = callsOf.get(caller);
  if (!calls) {
    const running = new Set<AbortController>();
    calls = running;
    callsOf.set(caller, running);
    caller.addEventListener(
      'abort',
      () => {
        for (const c of running) c.abort(caller.reason);
        running.clear();
      },
      { once: true },
    );
  }
  calls.add(call);
}

/**
 * One call's signal: aborted by its deadline or by the caller's signal, whichever comes first,
 * with the reasons `AbortSignal.any([caller, AbortSignal.timeout(ms)])` gives. Those two cost
 * a new signal, a weak reference and a timer that outlives the call by the whole timeout, per
 * call (measured: about 40 % of a fan-out's CPU, most of it in the garbage collector); this is
 * one controller and one timer, both let go as soon as the call settles (`done`).
 */
class CallSignal {
  readonly #controller = new AbortController();
  readonly #timer: NodeJS.Timeout;
  readonly #caller: AbortSignal | undefined;

  constructor(timeoutMs: number, caller: AbortSignal | undefined) {
    this.#caller = caller;
    this.#timer = setTimeout(() => {
      this.#controller.abort(
        new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
      );
    }, timeoutMs);
    // Like AbortSignal.timeout: a pending deadline alone does not keep the process alive.
    this.#timer.unref();
    if (caller) follow(caller, this.#controller);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  done(): void {
    clearTimeout(this.#timer);
    if (this.#caller) callsOf.get(this.#caller)?.delete(this.#controller);
  }
}

/**
 * The bots' outbound HTTP over undici: one keep-alive Agent (a connection pool per origin), with
 * undici's own header and body timers, and failures mapped to the API's upstream errors.
 */
export class UndiciUpstreamClient implements ClosableUpstreamClient {
  readonly #agent: Agent;
  readonly #baseUrls: Readonly<Record<BotService, string>>;
  readonly #timeoutMs: number;
  readonly #concurrency: number;
  readonly #limits: { readonly maxBytes: number; readonly maxLineBytes: number };

  constructor(options: UndiciUpstreamOptions) {
    this.#baseUrls = {
      model: options.baseUrls.model.replace(/\/+$/, ''),
      knowledge: options.baseUrls.knowledge.replace(/\/+$/, ''),
    };
    this.#timeoutMs = options.timeoutMs;
    this.#concurrency = options.concurrency;
    this.#limits = { maxBytes: options.maxResponseBytes, maxLineBytes: options.maxLineBytes };
    this.#agent = new Agent({
      keepAliveTimeout: 10_000,
      connect: { timeout: options.timeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  async json<T>(upstream: UpstreamRequest): Promise<T> {
    // A whole call gets UPSTREAM_TIMEOUT_MS, not only each phase of it; the caller's signal
    // (the client went away) still cancels it.
    const call = new CallSignal(this.#timeoutMs, upstream.signal);
    try {
      const response = await this.#send(upstream, call.signal, 'application/json');
      let text: string;
      try {
        // Read up to UPSTREAM_MAX_RESPONSE_BYTES and no further: past it the body is destroyed,
        // which aborts the call, and nothing of it is kept.
        text = await readLimitedText(
          response.body as AsyncIterable<Buffer>,
          this.#limits.maxBytes,
          headerOf(response.headers['content-length']),
        );
      } catch (error) {
        throw upstreamError(upstream, error);
      } finally {
        if (!response.body.destroyed) response.body.destroy();
      }
      try {
        return JSON.parse(text) as T;
      } catch {
        throw badUpstreamResponse(upstream.service, response.statusCode);
      }
    } finally {
      call.done();
    }
  }

  async *lines(upstream: UpstreamRequest): AsyncIterable<string> {
    // No overall deadline: a stream may last. UPSTREAM_TIMEOUT_MS bounds the wait for the
    // headers and each gap between chunks, on our own timer: the Agent's headersTimeout and
    // bodyTimeout run on undici's coarse timer wheel (measured 200 ms late at 1.5 s). The timer
    // only runs while this waits on the upstream, never while the consumer handles a line.
    const idle = new AbortController();
    const timer = new IdleTimer(this.#timeoutMs, () =>
      idle.abort(new DOMException('upstream stream idle', 'TimeoutError')),
    );
    const signal = upstream.signal ? AbortSignal.any([upstream.signal, idle.signal]) : idle.signal;
    timer.start();
    try {
      const response = await this.#send(upstream, signal, 'application/x-ndjson');
      yield* this.#splitLines(upstream, response.body, timer, idle.signal);
    } finally {
      timer.stop();
    }
  }

  async *#splitLines(
    upstream: UpstreamRequest,
    body: Dispatcher.ResponseData['body'],
    timer: IdleTimer,
    idle: AbortSignal,
  ): AsyncIterable<string> {
    // The shared linear splitter, within the byte and line bounds; the idle timer runs only
    // while it waits for the next chunk, never while the consumer handles a line.
    try {
      timer.start();
      for await (const line of ndjsonLines(body as AsyncIterable<Buffer>, this.#limits)) {
        timer.stop();
        yield line;
        timer.start();
      }
    } catch (error) {
      throw upstreamError(upstream, idle.aborted ? idle.reason : error);
    } finally {
      timer.stop();
      // The consumer may stop early (a `done` line, an error): give the socket back at once.
      if (!body.destroyed) body.destroy();
    }
  }

  // #region guide:fan-out
  // MIGRATION(fan-out) after: bounded concurrency with per-call timeouts; see docs/case-study.md#fan-out
  async fanOut<T>(tasks: ReadonlyArray<FanOutTask<T>>): Promise<Array<PromiseSettledResult<T>>> {
    // At most FANOUT_CONCURRENCY calls in flight; allSettled keeps the input order. A task
    // carries the caller's signal (client disconnect); its deadline is the one `json` sets per
    // call, which starts when the task starts, not when it queues.
    const limit = pLimit(this.#concurrency);
    return Promise.allSettled(tasks.map((task) => limit(() => task())));
  }
  // #endregion guide:fan-out

  async close(): Promise<void> {
    // Runs after the HTTP server has closed, so no request is waiting on these sockets.
    await this.#agent.destroy();
  }

  async #send(
    upstream: UpstreamRequest,
    signal: AbortSignal | undefined,
    accept: string,
  ): Promise<Dispatcher.ResponseData> {
    const body = upstream.body === undefined ? undefined : JSON.stringify(upstream.body);
    let response: Dispatcher.ResponseData;
    try {
      response = await request(`${this.#baseUrls[upstream.service]}${upstream.path}`, {
        dispatcher: this.#agent,
        method: upstream.method,
        headers: body === undefined ? { accept } : { accept, 'content-type': 'application/json' },
        body,
        signal,
      });
    } catch (error) {
      throw upstreamFailure(error);
    }
    if (!isSuccess(response.statusCode)) {
      // Read and drop the error body so the connection goes back to the pool.
      await response.body.dump().catch(() => undefined);
      throw badUpstreamResponse(upstream.service, response.statusCode);
    }
    return response;
  }
}
