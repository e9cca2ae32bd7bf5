import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

export interface StepResult {
  readonly status: number;
  /** The body with ids, tokens and times replaced, so two apps can be compared. */
  readonly normalized: unknown;
  readonly ms: number;
}

export interface Step {
  readonly name: string;
  run(client: SessionClient): Promise<StepResult>;
}

const VOLATILE =
  /^(id|conversationId|messageId|replyId|token|createdAt|updatedAt|expiresAt|nextCursor|username)$/;

/** Replaces values that differ between any two runs (ids, tokens, times) with placeholders. */
export function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [
        key,
        VOLATILE.test(key) && v !== null
          ? `<${key}>`
          : key === 'headers'
            ? '<headers>'
            : normalize(v),
      ]),
    );
  }
  return value;
}

/** The state one scripted session carries from step to step, for one app. */
export class SessionClient {
  token = '';
  conversationId = '';
  cursor: string | null = null;
  readonly username = `demo-${randomUUID().slice(0, 8)}`;
  readonly password = 'a demo password';

  constructor(readonly baseUrl: string) {}

  async call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<StepResult & { body: unknown }> {
    const started = performance.now();
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    const ms = performance.now() - started;
    const parsed: unknown = text ? JSON.parse(text) : null;
    return { status: res.status, body: parsed, normalized: normalize(parsed), ms };
  }

  /** Streams one message over the WebSocket; the result sums up the frames. */
  stream(botId: string, text: string): Promise<StepResult> {
    const url = `${this.baseUrl.replace(/^http/, 'ws')}/v1/bots/${botId}/stream`;
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, ['bearer', this.token]);
      let chunks = 0;
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error('no done frame within 15 s'));
      }, 15_000);
      socket.on('open', () => socket.send(JSON.stringify({ type: 'message', text })));
      socket.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { type: string; text?: string };
        if (frame.type === 'chunk') chunks += 1;
        if (frame.type === 'done' || frame.type === 'error') {
          clearTimeout(timer);
          socket.close(1000);
          resolve({
            status: 101,
            normalized: { chunksOver1: chunks > 1, last: normalize(frame) },
            ms: performance.now() - started,
          });
        }
      });
      socket.on('unexpected-response', (_req, res) => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, normalized: null, ms: performance.now() - started });
      });
      socket.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }
}

const step = (name: string, run: (c: SessionClient) => Promise<StepResult>): Step => ({
  name,
  run,
});

/** The scripted session: what a new user does first, in order. */
export const steps: Step[] = [
  step('GET /health', (c) => c.call('GET', '/health')),
  step('GET /ready', (c) => c.call('GET', '/ready')),
  step('sign up: POST /v1/accounts', (c) =>
    c.call('POST', '/v1/accounts', { username: c.username, password: c.password }),
  ),
  step('log in: POST /v1/sessions', async (c) => {
    const r = await c.call('POST', '/v1/sessions', { username: c.username, password: c.password });
    c.token = (r.body as { token: string }).token;
    return r;
  }),
  step('GET /v1/bots', (c) => c.call('GET', '/v1/bots')),
  step('talk to echo', async (c) => {
    const r = await c.call('POST', '/v1/bots/echo/messages', { text: 'Hello, Switchyard!' });
    c.conversationId = (r.body as { conversationId: string }).conversationId;
    return r;
  }),
  step('echo again, same conversation', (c) =>
    c.call('POST', '/v1/bots/echo/messages', {
      text: 'Second message',
      conversationId: c.conversationId,
    }),
  ),
  step('talk to model', (c) =>
    c.call('POST', '/v1/bots/model/messages', { text: 'What is a gateway?' }),
  ),
  step('talk to ensemble (fan-out)', (c) =>
    c.call('POST', '/v1/bots/ensemble/messages', { text: 'Which framework?' }),
  ),
  step('stream model over WebSocket', (c) => c.stream('model', 'Stream me a reply')),
  step('page 1 of the conversation', async (c) => {
    const r = await c.call('GET', `/v1/conversations/${c.conversationId}/messages?limit=2`);
    c.cursor = (r.body as { nextCursor: string | null }).nextCursor;
    return r;
  }),
  step('page 2 of the conversation', (c) =>
    c.call(
      'GET',
      `/v1/conversations/${c.conversationId}/messages?limit=2&cursor=${encodeURIComponent(c.cursor ?? '')}`,
    ),
  ),
  step('GET /v1/conversations', (c) => c.call('GET', '/v1/conversations')),
  step('proxy: GET /v1/proxy/httpbin/get', (c) =>
    c.call('GET', '/v1/proxy/httpbin/get?hello=world'),
  ),
  step('unknown bot is a 404', (c) => c.call('POST', '/v1/bots/nobody/messages', { text: 'hi' })),
  step('log out: DELETE /v1/sessions/current', (c) => c.call('DELETE', '/v1/sessions/current')),
];
