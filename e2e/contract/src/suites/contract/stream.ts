import { randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT_BYTES, openSocket, type OpenSocket } from '@switchyard/testing';
import { errorBody, type UsedEnvironment, type Account } from '../../support.js';
import { UUID } from './uuid.js';

interface UpgradeAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

/** A WebSocket handshake request, sent as it is: the answer, whether 101 or a refusal. */
function upgrade(
  baseUrl: string,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<UpgradeAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, baseUrl), {
      method: options.method ?? 'GET',
      // A handshake opens a connection of its own, as WebSocket clients do.
      agent: false,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...options.headers,
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: undefined });
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: text ? JSON.parse(text) : undefined,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** WebSocket /v1/bots/:botId/stream: chunks and done, auth, bad frames, the frame limit. */
export function streamCases(
  ctx: UsedEnvironment,
  options: { readonly behindBalancer?: boolean } = {},
): void {
  const { api } = ctx;
  describe('WebSocket /v1/bots/:botId/stream', () => {
    let account: Account;
    const sockets: OpenSocket[] = [];
    const wsUrl = (botId: string) =>
      `${ctx.env.app.url.replace(/^http/, 'ws')}/v1/bots/${botId}/stream`;
    beforeAll(async () => {
      account = await ctx.signUp();
    });
    afterAll(() => {
      for (const s of sockets) s.socket.terminate();
    });
    async function connect(
      botId: string,
      options: { header?: boolean; protocol?: boolean } = { header: true },
    ) {
      const socket = await openSocket(wsUrl(botId), {
        headers: options.header ? account.auth : undefined,
        protocols: options.protocol ? ['bearer', account.token] : undefined,
      });
      sockets.push(socket);
      return socket;
    }

    it('streams the reply in chunks, then a done frame with the stored ids', async () => {
      const expected = await request(ctx.env.upstream.url)
        .post('/model/complete')
        .send({ prompt: 'stream this please' })
        .expect(200);
      const s = await connect('model');
      s.send({ type: 'message', text: 'stream this please' });
      const frames = await s.untilDone();
      const chunks = frames.filter((f) => f.type === 'chunk');
      const done = frames.at(-1)!;
      expect(chunks.length).toBeGreaterThan(1);
      expect(done).toEqual({
        type: 'done',
        conversationId: expect.stringMatching(UUID),
        messageId: expect.stringMatching(UUID),
        replyId: expect.stringMatching(UUID),
        text: chunks.map((c) => c.delta).join(''),
      });
      // Streamed or not, a bot's reply is the same text.
      expect(done.text).toBe(expected.body.completion);
      const stored = await api()
        .get(`/v1/conversations/${done.conversationId}/messages`)
        .set(account.auth)
        .expect(200);
      expect(stored.body.messages.map((m: { id: string; text: string }) => [m.id, m.text])).toEqual(
        [
          [done.messageId, 'stream this please'],
          [done.replyId, done.text],
        ],
      );
    });

    it('authenticates a browser client through the bearer subprotocol', async () => {
      const s = await connect('echo', { protocol: true });
      expect(s.socket.protocol).toBe('bearer');
      s.send({ type: 'message', text: 'hi' });
      expect((await s.untilDone()).at(-1)).toMatchObject({ type: 'done', text: 'echo: hi' });
    });

    it('refuses the upgrade with 401 without a token and 404 for an unknown bot', async () => {
      const noToken = await openSocket(wsUrl('echo'), {}).then(
        () => undefined,
        (error: { status?: number; body?: unknown }) => error,
      );
      expect(noToken).toMatchObject({ status: 401, body: errorBody('SWY_ERR_AUTH_REQUIRED') });
      const unknown = await openSocket(wsUrl('nobody'), { headers: account.auth }).then(
        () => undefined,
        (error: { status?: number; body?: unknown }) => error,
      );
      expect(unknown).toMatchObject({
        status: 404,
        body: { error: { code: 'SWY_ERR_BOT_NOT_FOUND' } },
      });
    });

    it('answers bad frames with error frames and keeps the connection open', async () => {
      const s = await connect('echo');
      s.sendRaw('not json');
      expect(await s.next()).toEqual({ type: 'error', ...errorBody('SWY_ERR_MALFORMED_JSON') });
      s.send({ type: 'message', text: '' });
      expect(await s.next()).toEqual({
        type: 'error',
        error: {
          code: 'SWY_ERR_VALIDATION',
          message: 'The request is not valid',
          details: [{ path: '/body/text', message: 'must NOT have fewer than 1 characters' }],
        },
      });
      s.send({ type: 'message', text: 'x', conversationId: randomUUID() });
      expect(await s.next()).toEqual({
        type: 'error',
        ...errorBody('SWY_ERR_CONVERSATION_NOT_FOUND'),
      });
      s.send({ type: 'message', text: 'still here' });
      expect((await s.untilDone()).at(-1)).toMatchObject({
        type: 'done',
        text: 'echo: still here',
      });
    });

    // The three answers the apps once gave differently (docs/api-behaviour.md#websocket-v1botsbotidstream).
    it('refuses an upgrade on a route that is not the stream with 404 SWY_ERR_NOT_FOUND', async () => {
      const answer = await upgrade(ctx.env.app.url, '/v1/bots', { headers: account.auth });
      expect(answer).toMatchObject({ status: 404, body: errorBody('SWY_ERR_NOT_FOUND') });
    });

    it('refuses HEAD with an upgrade on the stream with 405 and Allow, and no body', async () => {
      const answer = await upgrade(ctx.env.app.url, '/v1/bots/echo/stream', {
        method: 'HEAD',
        headers: account.auth,
      });
      expect(answer.status).toBe(405);
      expect(answer.headers['allow']).toBe('GET, HEAD');
      expect(answer.body).toBeUndefined();
    });

    it("sends a refused upgrade with helmet's headers and the x-request-id", async () => {
      const answer = await upgrade(ctx.env.app.url, '/v1/bots/echo/stream', {
        headers: { 'x-request-id': 'refused-upgrade-1' },
      });
      expect(answer).toMatchObject({ status: 401, body: errorBody('SWY_ERR_AUTH_REQUIRED') });
      expect(answer.headers['x-request-id']).toBe('refused-upgrade-1');
      // Behind a balancer, Connection is the balancer's (a hop-by-hop header, RFC 9110 7.6.1):
      // the app's `close` ends the balancer's connection to it, not the client's.
      if (!options.behindBalancer) expect(answer.headers['connection']).toBe('close');
      expect(answer.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
      expect(answer.headers['x-frame-options']).toBe('SAMEORIGIN');
    });

    it('closes with 1009 on a frame over the size limit', async () => {
      const s = await connect('echo');
      s.sendRaw(JSON.stringify({ type: 'message', text: 'x'.repeat(BODY_LIMIT_BYTES + 100) }));
      expect(await s.closed()).toBe(1009);
    });
  });
}
