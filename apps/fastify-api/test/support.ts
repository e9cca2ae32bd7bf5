import { randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import request from 'supertest';
import WebSocket from 'ws';
import { loadConfig, type Config } from '@switchyard/runtime';
import { openDatabase, type Database } from '@switchyard/persistence';
import {
  startUpstream,
  type RunningUpstream,
  type StartUpstreamOptions,
} from '@switchyard/testing';
import { startServer, type RunningServer } from '../src/index.js';

export interface Stack {
  readonly api: RunningServer;
  readonly upstream: RunningUpstream;
  readonly db: Database;
  readonly config: Config;
  close(): Promise<void>;
}

export interface StackOptions {
  /**
   * Environment on top of the test defaults (PORT 0, silent logs, the stand-in's URLs); a
   * function gets the stand-in's URL.
   */
  readonly env?: Record<string, string> | ((upstreamUrl: string) => Record<string, string>);
  readonly upstream?: StartUpstreamOptions;
  /** Defaults to a fresh in-memory PGlite. */
  readonly openDb?: () => Promise<Database>;
}

/** The stand-in upstream, a database and the API listening on a free port, all in-process. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const upstream = await startUpstream(options.upstream);
  const db = await (options.openDb ?? (() => openDatabase()))();
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_MAX: '1000000',
    MODEL_URL: upstream.url,
    KNOWLEDGE_URL: upstream.url,
    PROXY_SERVICES: JSON.stringify({
      httpbin: { url: upstream.url, headers: { 'x-api-key': 'k' }, paths: ['/'] },
    }),
    ...(typeof options.env === 'function' ? options.env(upstream.url) : options.env),
  });
  const api = await startServer({ config, db, logger: false });
  return {
    api,
    upstream,
    db,
    config,
    async close() {
      await api.close();
      await db.close();
      await upstream.close();
    },
  };
}

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

export function buildCredentials(overrides: Partial<Credentials> = {}): Credentials {
  return {
    username: `user-${randomBytes(4).toString('hex')}`,
    password: 'correct horse battery',
    ...overrides,
  };
}

/** Signs up a new account, logs in, and returns its bearer token. */
export async function signUpAndLogIn(
  url: string,
  credentials = buildCredentials(),
): Promise<string> {
  await request(url).post('/v1/accounts').send(credentials).expect(201);
  const session = await request(url).post('/v1/sessions').send(credentials).expect(201);
  return (session.body as { token: string }).token;
}

export function wsUrl(httpUrl: string, path: string): string {
  return `${httpUrl.replace(/^http/, 'ws')}${path}`;
}

/** Opens a WebSocket and resolves once it is open, or rejects with the refused upgrade's status. */
export function openSocket(
  url: string,
  options: { protocols?: string[]; headers?: Record<string, string> } = {},
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options.protocols ?? [], { headers: options.headers });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

export interface RefusedUpgrade {
  readonly status: number;
  readonly body: unknown;
}

/** Attempts an upgrade the server should refuse; resolves with its HTTP status and JSON body. */
export function refusedUpgrade(
  url: string,
  options: { protocols?: string[]; headers?: Record<string, string> } = {},
): Promise<RefusedUpgrade> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options.protocols ?? [], { headers: options.headers });
    socket.once('open', () => {
      socket.close();
      reject(new Error('the upgrade was accepted'));
    });
    socket.once('error', () => undefined);
    socket.once('unexpected-response', (_req, res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
  });
}

export type ServerFrame = Record<string, unknown> & { type: string };

/** Collects frames until one of type done or error arrives. */
export function framesUntilEnd(socket: WebSocket): Promise<ServerFrame[]> {
  return new Promise((resolve, reject) => {
    const frames: ServerFrame[] = [];
    const onMessage = (data: WebSocket.RawData) => {
      const frame = JSON.parse(String(data)) as ServerFrame;
      frames.push(frame);
      if (frame.type === 'done' || frame.type === 'error') {
        socket.off('message', onMessage);
        resolve(frames);
      }
    };
    socket.on('message', onMessage);
    socket.once('close', (code) => reject(new Error(`socket closed with ${code}`)));
  });
}

export function closeCode(socket: WebSocket): Promise<number> {
  return new Promise((resolve) => socket.once('close', (code) => resolve(code)));
}

export interface TimedResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** `performance.now()` when the status line and headers arrived. */
  readonly headersAt: number;
  readonly chunks: ReadonlyArray<{ readonly at: number; readonly data: Buffer }>;
  readonly body: string;
  /** Set when the response was cut off before its end. */
  readonly aborted: boolean;
}

/** A GET over node:http on a fresh connection, keeping each body chunk with its arrival time. */
export function timedGet(url: string, headers: Record<string, string>): Promise<TimedResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers, agent: false }, (res) => {
      const headersAt = performance.now();
      const chunks: Array<{ at: number; data: Buffer }> = [];
      let aborted = false;
      const done = () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          headersAt,
          chunks,
          body: Buffer.concat(chunks.map((c) => c.data)).toString('utf8'),
          aborted,
        });
      res.on('data', (data: Buffer) => chunks.push({ at: performance.now(), data }));
      res.once('aborted', () => (aborted = true));
      res.once('error', () => {
        aborted = true;
      });
      res.once('close', () => {
        if (!res.complete) aborted = true;
        done();
      });
    });
    req.once('error', reject);
    req.end();
  });
}
