import {
  request as httpRequest,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from 'node:http';
import { afterAll, beforeAll } from 'vitest';
import {
  startUpstream,
  type RunningUpstream,
  type StartUpstreamOptions,
} from '../../src/upstream/index.js';

/** Starts one stand-in for the enclosing `describe` (or file) and closes it afterwards. */
export function useUpstream(options: StartUpstreamOptions = {}): () => RunningUpstream {
  let upstream: RunningUpstream | undefined;
  beforeAll(async () => {
    upstream = await startUpstream(options);
  });
  afterAll(async () => {
    await upstream?.close();
  });
  return () => {
    if (upstream === undefined) throw new Error('the upstream is not started yet');
    return upstream;
  };
}

export interface Chunk {
  /** `performance.now()` when the chunk arrived. */
  readonly at: number;
  readonly data: Buffer;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** `performance.now()` when the status line and headers arrived. */
  readonly headersAt: number;
  readonly chunks: readonly Chunk[];
  readonly body: string;
  /** Whether the server closed the connection after the response. */
  readonly socketClosed: Promise<void>;
}

export interface RawRequestOptions {
  readonly method?: string;
  readonly headers?: OutgoingHttpHeaders;
  readonly body?: string;
  readonly signal?: AbortSignal;
}

/**
 * A request over node:http on a fresh connection, keeping every chunk with its arrival time.
 * Fetch hides both chunk boundaries and socket errors' codes, which the fault tests look at.
 */
export function rawRequest(url: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        signal: options.signal,
        agent: false,
      },
      (res) => {
        const headersAt = performance.now();
        const chunks: Chunk[] = [];
        const socket = res.socket;
        const socketClosed = new Promise<void>((done) => socket.once('close', () => done()));
        res.on('data', (data: Buffer) => chunks.push({ at: performance.now(), data }));
        res.once('error', reject);
        res.once('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            headersAt,
            chunks,
            body: Buffer.concat(chunks.map((c) => c.data)).toString('utf8'),
            socketClosed,
          }),
        );
      },
    );
    req.once('error', reject);
    req.end(options.body);
  });
}

/** POST a JSON body with fetch. */
export function postJson(url: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(url, {
    ...init,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: JSON.stringify(body),
  });
}

export function buildCompletionRequest(
  overrides: Partial<{ prompt: unknown; maxTokens: unknown }> = {},
): Record<string, unknown> {
  return { prompt: 'route my ticket', ...overrides };
}

/** Reads a fetch body, returning each chunk as the client received it. */
export async function readChunks(response: Response): Promise<string[]> {
  if (response.body === null) return [];
  const decoder = new TextDecoder();
  const chunks: string[] = [];
  for await (const chunk of response.body) chunks.push(decoder.decode(chunk, { stream: true }));
  return chunks;
}

/** Parses a JSON body as the stand-in's schema says it is shaped. */
export async function readJson<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}
