import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '@switchyard/runtime';
import { type Database } from '@switchyard/persistence';
import {
  startUpstream,
  type RunningUpstream,
  type StartUpstreamOptions,
} from '@switchyard/testing';
import request from 'supertest';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../src/index.js';

export interface Stack {
  readonly api: RunningServer;
  readonly upstream: RunningUpstream;
  readonly config: Config;
  close(): Promise<void>;
}

export interface StackOptions {
  /** Opens the database the app runs on; the stack closes it last. */
  readonly openDb: () => Promise<Database>;
  readonly upstream?: StartUpstreamOptions;
  /** Extra environment, as text, on top of the defaults below. */
  readonly env?: Record<string, string>;
  /** Extra PROXY_SERVICES besides `httpbin`, pointed at the stand-in. */
  readonly proxyServices?: Record<string, { timeoutMs?: number; headers?: Record<string, string> }>;
}

/**
 * The app in-process on a free port, with the upstream stand-in for its bots and its proxy and
 * a real database. The config goes through loadConfig, as main.ts does.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const upstream = await startUpstream({ chunkDelayMs: 0, ...options.upstream });
  const db = await options.openDb();
  const services: Record<string, unknown> = {
    httpbin: { url: upstream.url, headers: { 'x-api-key': 'k' }, paths: ['/'] },
  };
  for (const [name, extra] of Object.entries(options.proxyServices ?? {})) {
    services[name] = { url: upstream.url, paths: ['/'], ...extra };
  }
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_MAX: '1000000',
    MODEL_URL: upstream.url,
    KNOWLEDGE_URL: upstream.url,
    PROXY_SERVICES: JSON.stringify(services),
    ...options.env,
  });
  const api = await startServer({ config, db });
  return {
    api,
    upstream,
    config,
    async close() {
      await api.close();
      await upstream.close();
      await db.close();
    },
  };
}

export interface AccountBody {
  username: string;
  password: string;
}

export function buildAccount(overrides: Partial<AccountBody> = {}): AccountBody {
  return {
    username: `user-${randomBytes(6).toString('hex')}`,
    password: 'correct horse battery staple',
    ...overrides,
  };
}

/** A new account, logged in: its token and a ready `Authorization` header. */
export async function signedIn(
  url: string,
): Promise<{ token: string; auth: { authorization: string } }> {
  const account = buildAccount();
  await request(url).post('/v1/accounts').send(account).expect(201);
  const { body } = await request(url).post('/v1/sessions').send(account).expect(201);
  const token = (body as { token: string }).token;
  return { token, auth: { authorization: `Bearer ${token}` } };
}

export type Frame = Record<string, unknown> & { type: string };

/** Opens a WebSocket and resolves once it is open, or rejects with the refusal's status. */
export function openSocket(url: string, protocols?: string[], headers?: Record<string, string>) {
  const ws = new WebSocket(url, protocols, { headers });
  const frames: Frame[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (data) => {
    frames.push(JSON.parse(data.toString()) as Frame);
    for (const wake of waiters.splice(0)) wake();
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () =>
        reject(
          Object.assign(new Error(`refused: ${res.statusCode}`), { status: res.statusCode, body }),
        ),
      );
    });
    ws.once('error', reject);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  /** Frames received so far, once one of them satisfies `done`. */
  async function until(done: (frame: Frame) => boolean): Promise<Frame[]> {
    while (!frames.some(done)) await new Promise<void>((wake) => waiters.push(wake));
    return frames.slice();
  }
  return { ws, frames, opened, closed, until };
}

export function wsUrl(api: RunningServer, path: string): string {
  return api.url.replace(/^http/, 'ws') + path;
}
