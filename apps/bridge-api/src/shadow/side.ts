// The shadow's Fastify side: one request of a job run through fastify-api's routes by inject(),
// its answer compared with Express's. The same code runs in the shadow worker (worker.ts,
// SHADOW_THREAD=worker) and on the bridge's own thread (inline).
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { compareAnswers, type Answer, type Difference } from './compare.js';
import type { ShadowRoute } from './plan.js';

/** The log line per mismatch quotes this many differences at most, and counts the rest. */
export const MAX_LOGGED_DIFFERENCES = 20;

/** One shadowed request: what the client sent, and what Express answered. Structured-cloneable. */
export interface ShadowJob {
  readonly route: ShadowRoute;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly remoteAddress: string | undefined;
  /** The client's request id: the Fastify side's log lines carry the same one. */
  readonly requestId: string;
  readonly express: Answer;
}

/** What the comparison found. Structured-cloneable: the worker posts it back. */
export type JobOutcome =
  | { readonly kind: 'match' }
  | { readonly kind: 'mismatch'; readonly diff: readonly Difference[]; readonly more: number }
  | { readonly kind: 'error'; readonly reason: string };

/** Runs jobs through the Fastify side; never rejects (a failure is an `error` outcome). */
export interface ShadowSide {
  run(job: ShadowJob): Promise<JobOutcome>;
  close(): Promise<void>;
}

export interface SideLimits {
  /** SHADOW_TIMEOUT_MS: a job still running after this is an error. */
  readonly timeoutMs: number;
  /** SHADOW_MAX_BODY_BYTES: a longer Fastify answer is an error. */
  readonly maxBodyBytes: number;
}

/** Request headers that belong to the client's connection or body, not to the request. */
const NOT_FORWARDED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'upgrade',
  'expect',
  'content-length',
]);

class ShadowTimeout extends Error {
  override readonly name = 'ShadowTimeout';
}

/** Reads an injected response's body, giving up past `max` bytes. */
async function readCapped(stream: Readable, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > max) {
      stream.destroy();
      throw new Error(`the Fastify answer is longer than ${max} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The side that replays on `app` (fastify-api built with the shadowed groups and no Express,
 * so that inject() keeps its bodies: trap 4 of the guide). `app` is ready; close() closes it.
 */
export function replayingSide(app: FastifyInstance, limits: SideLimits): ShadowSide {
  // #region guide:shadow-replay
  /** Runs the request through the Fastify side: at most SHADOW_TIMEOUT_MS, the body capped. */
  async function replay(job: ShadowJob): Promise<Answer> {
    const controller = new AbortController();
    const timedOut = new Promise<never>((_resolve, reject) => {
      controller.signal.addEventListener('abort', () => reject(new ShadowTimeout()), {
        once: true,
      });
    });
    timedOut.catch(() => undefined);
    const timer = setTimeout(() => controller.abort(), limits.timeoutMs);
    try {
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(job.headers)) {
        if (value !== undefined && !NOT_FORWARDED.has(name)) headers[name] = value;
      }
      headers['x-request-id'] = job.requestId;
      const injected = app.inject({
        method: job.route.method,
        url: job.url,
        headers,
        ...(job.remoteAddress ? { remoteAddress: job.remoteAddress } : {}),
        signal: controller.signal,
        payloadAsStream: true,
      });
      const res = await Promise.race([injected, timedOut]);
      const body = await Promise.race([readCapped(res.stream(), limits.maxBodyBytes), timedOut]);
      return {
        status: res.statusCode,
        headers: res.headers,
        body: job.route.method === 'HEAD' ? undefined : body,
      };
    } finally {
      clearTimeout(timer);
    }
  }
  // #endregion guide:shadow-replay

  return {
    async run(job) {
      let fastify: Answer;
      try {
        fastify = await replay(job);
      } catch (error) {
        const reason =
          error instanceof ShadowTimeout
            ? `no answer within SHADOW_TIMEOUT_MS (${limits.timeoutMs} ms)`
            : error instanceof Error
              ? error.message
              : String(error);
        return { kind: 'error', reason };
      }
      try {
        const differences = compareAnswers(job.express, fastify);
        if (differences.length === 0) return { kind: 'match' };
        return {
          kind: 'mismatch',
          diff: differences.slice(0, MAX_LOGGED_DIFFERENCES),
          more: Math.max(0, differences.length - MAX_LOGGED_DIFFERENCES),
        };
      } catch (error) {
        return { kind: 'error', reason: `the comparison failed: ${String(error)}` };
      }
    },
    close: () => app.close(),
  };
}
